package floe.connectors.oss;

import floe.FloeException;
import floe.SpecException;

import java.lang.reflect.Method;
import java.util.Optional;
import java.util.Set;

/**
 * Turns an error of the OSS client into a message a user can act on: the location, OSS's error
 * code and request id, and the first line of OSS's message (never request headers or
 * credentials). The client's exceptions live in the OSS plugin's class loader, out of Floe's
 * reach at compile time, so they are recognised by their class names and read through their
 * public getters.
 *
 * <pre>{@code
 * } catch (RuntimeException e) {
 *     throw OssErrors.at("--input " + dir, e);
 * }
 * }</pre>
 */
public final class OssErrors {
    private static final String SERVICE = "com.aliyun.oss.ServiceException";
    private static final String CLIENT = "com.aliyun.oss.ClientException";

    /** Codes that mean the settings are wrong (credentials, bucket): trying again cannot help. */
    private static final Set<String> BAD_SETTINGS = Set.of("SignatureDoesNotMatch", "InvalidAccessKeyId", "AccessDenied",
            "NoSuchBucket", "InvalidBucketName", "SecurityTokenExpired", "InvalidSecurityToken");

    private OssErrors() {}

    /** What the OSS client said: the error code, OSS's request id (null when no answer came) and message. */
    public record OssError(String code, String requestId, String message, boolean answered) {}

    /** The OSS client error in {@code t}'s causes, if there is one. */
    public static Optional<OssError> find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            for (Class<?> k = c.getClass(); k != null; k = k.getSuperclass()) {
                if (k.getName().equals(SERVICE) || k.getName().equals(CLIENT)) {
                    return Optional.of(new OssError(call(c, "getErrorCode"), call(c, "getRequestId"),
                            firstLine(call(c, "getErrorMessage")), k.getName().equals(SERVICE)));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * {@code e} as Floe reports it at {@code location}: bad credentials or an unknown bucket are a
     * {@link SpecException} (not retried), other OSS errors a {@link FloeException}; anything else
     * comes back as it was.
     */
    public static RuntimeException at(String location, RuntimeException e) {
        Optional<OssError> found = find(e);
        if (found.isEmpty()) {
            return e;
        }
        OssError err = found.get();
        if (!err.answered()) {
            return new FloeException(location + ": OSS endpoint not reachable (" + err.code() + "): " + err.message(), e);
        }
        String text = location + ": OSS error " + err.code() + ": " + err.message()
                + (err.requestId() == null ? "" : " (request " + err.requestId() + ")");
        return BAD_SETTINGS.contains(err.code()) ? new SpecException(text + hint(err.code())) : new FloeException(text, e);
    }

    /** Whether {@code t} carries an OSS error that says the settings (credentials, bucket) are wrong. */
    public static boolean isBadSettings(Throwable t) {
        return find(t).filter(err -> err.answered() && BAD_SETTINGS.contains(err.code())).isPresent();
    }

    /** OSS's code and message if an OSS client error is among the causes, else the first line of the message. */
    public static String describe(Throwable t) {
        Optional<OssError> found = find(t);
        if (found.isPresent()) {
            OssError err = found.get();
            return (err.answered() ? "OSS error " : "OSS endpoint not reachable: ") + err.code() + ": " + err.message()
                    + (err.requestId() == null || !err.answered() ? "" : " (request " + err.requestId() + ")");
        }
        return firstLine(t.getMessage());
    }

    private static String hint(String code) {
        return switch (code) {
            case "SignatureDoesNotMatch", "InvalidAccessKeyId" ->
                    "; check OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET (or fs.oss.accessKeyId / fs.oss.accessKeySecret)";
            case "NoSuchBucket", "InvalidBucketName" -> "; check the bucket name and fs.oss.endpoint (OSS_ENDPOINT)";
            default -> "";
        };
    }

    private static String call(Throwable t, String getter) {
        try {
            Method m = t.getClass().getMethod(getter);
            Object v = m.invoke(t);
            return v == null ? null : v.toString();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
