package floe.testutils.oss;

/** The OSS API operations the testing server understands, named as OSS names them. */
public enum OssOperation {
    HEAD_OBJECT, GET_OBJECT, PUT_OBJECT, COPY_OBJECT, DELETE_OBJECT, DELETE_MULTIPLE_OBJECTS,
    LIST_OBJECTS, LIST_OBJECTS_V2, INITIATE_MULTIPART_UPLOAD, UPLOAD_PART, COMPLETE_MULTIPART_UPLOAD,
    ABORT_MULTIPART_UPLOAD, LIST_MULTIPART_UPLOADS, GET_BUCKET_INFO, UNKNOWN;

    /** Whether the client sends data in the request body (where a dropped connection cuts an upload). */
    boolean uploads() {
        return this == PUT_OBJECT || this == UPLOAD_PART;
    }
}
