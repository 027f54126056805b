package floe.service.argo;

/**
 * An answer in Argo's error shape: the gRPC code and message grpc-gateway sends as
 * {@code {"code": N, "message": ..., "error": ..., "details": []}} with the matching HTTP status.
 */
final class ArgoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** gRPC codes Argo's server answers with, and the HTTP status grpc-gateway maps each to. */
    enum Code {
        INVALID_ARGUMENT(3, 400),
        NOT_FOUND(5, 404),
        ALREADY_EXISTS(6, 409),
        PERMISSION_DENIED(7, 403),
        FAILED_PRECONDITION(9, 400),
        UNIMPLEMENTED(12, 501),
        INTERNAL(13, 500),
        UNAUTHENTICATED(16, 401);

        final int grpc;
        final int http;

        Code(int grpc, int http) {
            this.grpc = grpc;
            this.http = http;
        }
    }

    private final Code code;

    ArgoException(Code code, String message) {
        super(message);
        this.code = code;
    }

    Code code() {
        return code;
    }

    static ArgoException invalid(String message) {
        return new ArgoException(Code.INVALID_ARGUMENT, message);
    }

    static ArgoException notFound(String kind, String name) {
        return new ArgoException(Code.NOT_FOUND, kind + ".argoproj.io \"" + name + "\" not found");
    }
}
