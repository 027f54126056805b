package floe.testutils.oss;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** OSS's XML: replies written without a namespace, as OSS writes them; request bodies read. */
final class OssXml {
    static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final StringBuilder s = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");

    OssXml open(String tag) {
        s.append('<').append(tag).append('>');
        return this;
    }

    OssXml close(String tag) {
        s.append("</").append(tag).append('>');
        return this;
    }

    OssXml leaf(String tag, Object value) {
        if (value != null) {
            s.append('<').append(tag).append('>').append(escape(value.toString())).append("</").append(tag).append('>');
        }
        return this;
    }

    byte[] bytes() {
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String time(Instant t) {
        return ISO.format(t);
    }

    /** A key as a listing shows it: percent-encoded when the client asked for {@code encoding-type=url}. */
    static String key(String key, boolean url) {
        return url && key != null ? URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20") : key;
    }

    static String escape(String v) {
        return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&apos;");
    }

    /** The text of every {@code tag} element under each {@code parent} element, in document order. */
    static List<String[]> read(InputStream body, String parent, String... tags) throws IOException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = f.newDocumentBuilder().parse(body);
            NodeList nodes = doc.getElementsByTagName(parent);
            List<String[]> rows = new ArrayList<>();
            for (int i = 0; i < nodes.getLength(); i++) {
                Element e = (Element) nodes.item(i);
                String[] row = new String[tags.length];
                for (int t = 0; t < tags.length; t++) {
                    NodeList v = e.getElementsByTagName(tags[t]);
                    row[t] = v.getLength() == 0 ? null : v.item(0).getTextContent();
                }
                rows.add(row);
            }
            return rows;
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("malformed XML: " + e.getMessage(), e);
        }
    }
}
