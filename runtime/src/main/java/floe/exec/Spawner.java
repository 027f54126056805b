package floe.exec;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;

import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;

/**
 * Starts commands with the C library's {@code posix_spawn} from a thread of this JVM that has
 * joined a {@link Launcher}'s PID namespace ({@code setns} on its {@code pid_for_children}): the
 * commands are born in that namespace, so they die with the launcher, that is with this JVM,
 * whatever kills it, while a start costs what the JDK's own costs or less (a {@code vfork}, which
 * copies nothing, and the command's one {@code exec}). Each command gets a process group of its
 * own, standard input from {@code /dev/null}, its output and error to files, the default action
 * for every signal, and no descriptor of this JVM's but those three. When it ends, what it left in
 * its group is killed, as the launcher does for the commands it starts.
 *
 * <p>Native calls go through JNA. Where they cannot be made or the C library lacks what this
 * needs ({@code posix_spawn_file_actions_addclosefrom_np}, glibc 2.34), the launcher starts the
 * commands itself. {@code floe.exec.spawn=false} leaves it to the launcher too.
 */
final class Spawner {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Spawner.class);

    /** The C library functions used; their constants are those of Linux on x86-64 and AArch64. */
    interface LibC extends Library {
        int posix_spawn(IntByReference pid, Pointer path, Pointer actions, Pointer attributes, StringArray argv, StringArray envp);

        int posix_spawn_file_actions_init(Pointer actions);

        int posix_spawn_file_actions_destroy(Pointer actions);

        int posix_spawn_file_actions_addopen(Pointer actions, int fd, String path, int flags, int mode);

        int posix_spawn_file_actions_addchdir_np(Pointer actions, String path);

        int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

        int posix_spawnattr_init(Pointer attributes);

        int posix_spawnattr_destroy(Pointer attributes);

        int posix_spawnattr_setflags(Pointer attributes, short flags);

        int posix_spawnattr_setpgroup(Pointer attributes, int group);

        int posix_spawnattr_setsigmask(Pointer attributes, Pointer set);

        int posix_spawnattr_setsigdefault(Pointer attributes, Pointer set);

        int sigemptyset(Pointer set);

        int sigfillset(Pointer set);

        int open(String path, int flags);

        int close(int fd);

        int setns(int fd, int type);

        int waitid(int type, int id, Pointer info, int options);

        int waitpid(int pid, IntByReference status, int options);

        int kill(int pid, int signal);

        String strerror(int error);
    }

    private static final int O_WRONLY = 1;
    private static final int O_CREAT = 0100;
    private static final int O_TRUNC = 01000;
    private static final int O_APPEND = 02000;
    private static final int O_CLOEXEC = 02000000;
    private static final short POSIX_SPAWN_SETPGROUP = 0x02;
    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final int CLONE_NEWPID = 0x20000000;
    private static final int P_PID = 1;
    private static final int WEXITED = 4;
    private static final int WNOWAIT = 0x01000000;
    private static final int EINTR = 4;
    private static final int ENOMEM = 12;
    static final int SIGTERM = 15;
    static final int SIGKILL = 9;
    /** Sizes of glibc's opaque types on 64-bit Linux (80, 336, 128 and 128 bytes), rounded up. */
    private static final int ACTIONS_SIZE = 256;
    private static final int ATTRIBUTES_SIZE = 512;
    private static final int SET_SIZE = 128;
    private static final int INFO_SIZE = 128;

    private static final LibC C = load();
    /** Where a spawned command is waited for: one thread each while it runs. */
    private static final ExecutorService WAITERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "floe-spawned-wait");
        t.setDaemon(true);
        return t;
    });

    private final LinkedBlockingQueue<Spawn> requests = new LinkedBlockingQueue<>();

    private Spawner() {}

    /** The C library, or null where a command cannot be spawned from here. */
    private static LibC load() {
        String arch = System.getProperty("os.arch");
        if (!System.getProperty("os.name").equals("Linux")
                || !(arch.equals("amd64") || arch.equals("aarch64"))) {
            return null;
        }
        try {
            LibC c = Native.load("c", LibC.class, Map.of(Library.OPTION_STRING_ENCODING, "UTF-8"));
            // Each looked up once, here: a C library without one of them is not used.
            try (Memory actions = new Memory(ACTIONS_SIZE)) {
                c.posix_spawn_file_actions_init(actions);
                c.posix_spawn_file_actions_addchdir_np(actions, "/");
                c.posix_spawn_file_actions_addclosefrom_np(actions, 3);
                c.posix_spawn_file_actions_destroy(actions);
            }
            return c;
        } catch (LinkageError | RuntimeException e) {
            LOG.info("the launcher starts commands itself: native calls cannot be made here ({})", e.toString());
            return null;
        }
    }

    /**
     * A spawner whose commands are born in the PID namespace of the process {@code holder} (a
     * launcher, that namespace's first process); null where commands cannot be spawned from here.
     */
    static Spawner joining(long holder) {
        if (C == null) {
            return null;
        }
        Spawner spawner = new Spawner();
        SynchronousQueue<String> joined = new SynchronousQueue<>();
        // A thread that has joined another PID namespace cannot start threads: this one only spawns.
        Thread thread = new Thread(() -> spawner.serve(holder, joined), "floe-spawner");
        thread.setDaemon(true);
        thread.start();
        try {
            String failure = joined.take();
            if (!failure.isEmpty()) {
                LOG.info("the launcher starts commands itself: {}", failure);
                return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        return spawner;
    }

    private void serve(long holder, SynchronousQueue<String> joined) {
        String failure;
        try {
            int fd = C.open("/proc/" + holder + "/ns/pid_for_children", O_CLOEXEC);
            failure = fd < 0 ? "cannot open the launcher's PID namespace (errno " + Native.getLastError() + ")"
                    : C.setns(fd, CLONE_NEWPID) != 0 ? "cannot join the launcher's PID namespace (errno " + Native.getLastError() + ")" : "";
            if (fd >= 0) {
                C.close(fd);
            }
        } catch (RuntimeException | Error e) {
            failure = "cannot join the launcher's PID namespace (" + e + ")";
        }
        try {
            joined.put(failure);
            if (!failure.isEmpty()) {
                return;
            }
            while (true) {
                requests.take().run();
            }
        } catch (InterruptedException e) {
            // not interrupted by anyone: the thread is this class's alone
        }
    }

    /**
     * Starts {@code file} with {@code argv} and exactly the environment {@code env}, in {@code dir}
     * (null: this JVM's), standard output and error to the files given (after what they hold, with
     * {@code append}). Returns once it runs; an {@link IOException} naming the reason when it could not,
     * {@link Launcher.Gone} when nothing can be born in the namespace any more.
     */
    SpawnedProcess start(String file, List<String> argv, Map<String, String> env, String dir, File out, File err, boolean append)
            throws IOException {
        String[] environment = new String[env.size()];
        int i = 0;
        for (Map.Entry<String, String> e : env.entrySet()) {
            environment[i++] = e.getKey() + "=" + e.getValue();
        }
        int flags = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC);
        try (Memory actions = new Memory(ACTIONS_SIZE); Memory attributes = new Memory(ATTRIBUTES_SIZE);
                Memory none = new Memory(SET_SIZE); Memory all = new Memory(SET_SIZE)) {
            C.posix_spawn_file_actions_init(actions);
            C.posix_spawnattr_init(attributes);
            try {
                C.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", 0, 0);
                C.posix_spawn_file_actions_addopen(actions, 1, out.getPath(), flags, 0666);
                C.posix_spawn_file_actions_addopen(actions, 2, err.getPath(), flags, 0666);
                if (dir != null) {
                    C.posix_spawn_file_actions_addchdir_np(actions, dir);
                }
                C.posix_spawn_file_actions_addclosefrom_np(actions, 3);
                C.sigemptyset(none);
                C.sigfillset(all);
                C.posix_spawnattr_setsigmask(attributes, none);
                C.posix_spawnattr_setsigdefault(attributes, all);
                C.posix_spawnattr_setpgroup(attributes, 0);
                C.posix_spawnattr_setflags(attributes, (short) (POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK));
                Spawn spawn = new Spawn(cString(file), actions, attributes, new StringArray(argv.toArray(new String[0]), "UTF-8"),
                        new StringArray(environment, "UTF-8"));
                requests.add(spawn);
                int pid = spawn.await();
                if (pid == -ENOMEM) {
                    // What fork says when the namespace has lost its first process: the launcher ended.
                    throw new Launcher.Gone();
                }
                if (pid < 0) {
                    throw new IOException(dir != null && !new File(dir).isDirectory()
                            ? "cannot change to directory " + dir + ": " + C.strerror(-pid)
                            : "cannot run " + file + ": " + C.strerror(-pid));
                }
                SpawnedProcess process = new SpawnedProcess(pid);
                WAITERS.execute(process::awaitEnd);
                return process;
            } finally {
                C.posix_spawn_file_actions_destroy(actions);
                C.posix_spawnattr_destroy(attributes);
            }
        }
    }

    /** Sends {@code signal} to process group {@code group}. */
    static void signalGroup(int group, int signal) {
        C.kill(-group, signal);
    }

    /**
     * Blocks until child {@code pid} has ended, leaving it unreaped (its pid and group stay
     * reserved); false when it is no child of this JVM's any more.
     */
    static boolean awaitEnd(int pid) {
        try (Memory info = new Memory(INFO_SIZE)) {
            while (C.waitid(P_PID, pid, info, WEXITED | WNOWAIT) != 0) {
                if (Native.getLastError() != EINTR) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Reaps child {@code pid}, which has ended: its exit code, or 128 + the signal that ended it. */
    static int reap(int pid) {
        IntByReference status = new IntByReference();
        while (C.waitpid(pid, status, 0) < 0) {
            if (Native.getLastError() != EINTR) {
                return 128 + SIGKILL;
            }
        }
        int s = status.getValue();
        return (s & 0x7f) == 0 ? (s >> 8) & 0xff : 128 + (s & 0x7f);
    }

    /** {@code s} as a C string, UTF-8. */
    private static Memory cString(String s) {
        byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Memory m = new Memory(bytes.length + 1L);
        m.write(0, bytes, 0, bytes.length);
        m.setByte(bytes.length, (byte) 0);
        return m;
    }

    /**
     * One {@code posix_spawn}, made on the spawner's thread; its result is the pid, or minus the
     * error. Everything it passes is made beforehand on the caller's thread: JNA may start a thread
     * when native memory is allocated, which the spawner's thread cannot.
     */
    private static final class Spawn {
        private static final int EAGAIN = 11;
        private final Pointer file;
        private final Pointer actions;
        private final Pointer attributes;
        private final StringArray argv;
        private final StringArray env;
        private final IntByReference pid = new IntByReference();
        private int result;
        private boolean done;

        Spawn(Pointer file, Pointer actions, Pointer attributes, StringArray argv, StringArray env) {
            this.file = file;
            this.actions = actions;
            this.attributes = attributes;
            this.argv = argv;
            this.env = env;
        }

        void run() {
            int error;
            try {
                error = C.posix_spawn(pid, file, actions, attributes, argv, env);
            } catch (RuntimeException | Error e) {
                error = EAGAIN; // the caller is told it could not start; the spawner serves the next
            }
            synchronized (this) {
                result = error == 0 ? pid.getValue() : -error;
                done = true;
                notifyAll();
            }
        }

        /** Waits for the spawn, which takes well under a millisecond: an interrupt meanwhile is kept for the caller. */
        synchronized int await() {
            boolean interrupted = false;
            while (!done) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return result;
        }
    }
}
