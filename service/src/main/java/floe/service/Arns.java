package floe.service;

/** Names of this service's resources as ARNs, and the names inside ARNs users pass back. */
final class Arns {
    static final String PREFIX = "arn:aws:batch:floe:000000000000:";

    private Arns() {}

    static String jobDefinition(String name, int revision) {
        return PREFIX + "job-definition/" + name + ":" + revision;
    }

    static String queue(String name) {
        return PREFIX + "job-queue/" + name;
    }

    static String job(String id) {
        return PREFIX + "job/" + id;
    }

    /** {@code arn:...:KIND/NAME} -> NAME; anything else is already a name. */
    static String name(String kind, String nameOrArn) {
        int at = nameOrArn.indexOf(kind + "/");
        return nameOrArn.startsWith("arn:") && at >= 0 ? nameOrArn.substring(at + kind.length() + 1) : nameOrArn;
    }
}
