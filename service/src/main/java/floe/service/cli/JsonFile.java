package floe.service.cli;

import floe.SpecException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.File;
import java.io.IOException;

/** A request body from a file, as the AWS CLI's {@code --cli-input-json file://FILE} takes it. */
final class JsonFile {
    static final ObjectMapper JSON = new ObjectMapper();

    private JsonFile() {}

    static ObjectNode read(File file) {
        try {
            JsonNode node = JSON.readTree(file);
            if (node == null || !node.isObject()) {
                throw new SpecException(file + ": not a JSON object");
            }
            return (ObjectNode) node;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? file.toString() : file + ":" + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr();
            throw new SpecException(where + ": not valid JSON: " + e.getOriginalMessage().split("\n")[0]);
        } catch (IOException e) {
            throw new SpecException(file + ": cannot be read: " + e.getMessage());
        }
    }

    static String pretty(JsonNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return node.toString();
        }
    }
}
