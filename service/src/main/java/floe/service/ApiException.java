package floe.service;

import floe.FloeException;

/**
 * An error the API answers with, shaped as AWS answers: an HTTP status, an error type
 * ({@code ClientException}, {@code ServerException}, or a signature error) and a message.
 */
public final class ApiException extends FloeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;

    private ApiException(int status, String type, String message) {
        super(message);
        this.status = status;
        this.type = type;
    }

    /** A request the caller must change: 400 ClientException. */
    public static ApiException client(String message) {
        return new ApiException(400, "ClientException", message);
    }

    /** The service could not do it: 500 ServerException. */
    public static ApiException server(String message) {
        return new ApiException(500, "ServerException", message);
    }

    /** A request that is not signed, or not signed with the configured credentials: 403. */
    public static ApiException forbidden(String type, String message) {
        return new ApiException(403, type, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "ResourceNotFoundException", message);
    }

    /** An error as a service answered it. */
    public static ApiException of(int status, String type, String message) {
        return new ApiException(status, type, message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }
}
