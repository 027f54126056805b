package floe.exec;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

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

    /**
     * The C library functions used, bound by JNA's direct mapping (a native method each: several
     * times cheaper a call than an interface's proxy, which a spawn makes a dozen of); their
     * constants are those of Linux on x86-64 and AArch64. Binding fails, and the class with it,
     * where the C library lacks one of them.
     */
    static final class LibC {
        static {
            Native.register(LibC.class, NativeLibrary.getInstance("c", Map.of(Library.OPTION_STRING_ENCODING, "UTF-8")));
        }

        private LibC() {}

        static native int posix_spawn(int[] pid, Pointer path, Pointer actions, Pointer attributes, Pointer argv, Pointer envp);

        static native int posix_spawn_file_actions_init(Pointer actions);

        static native int posix_spawn_file_actions_destroy(Pointer actions);

        static native int posix_spawn_file_actions_addopen(Pointer actions, int fd, String path, int flags, int mode);

        static native int posix_spawn_file_actions_addchdir_np(Pointer actions, String path);

        static native int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

        static native int posix_spawnattr_init(Pointer attributes);

        static native int posix_spawnattr_setflags(Pointer attributes, short flags);

        static native int posix_spawnattr_setpgroup(Pointer attributes, int group);

        static native int posix_spawnattr_setsigmask(Pointer attributes, Pointer set);

        static native int posix_spawnattr_setsigdefault(Pointer attributes, Pointer set);

        static native int sigemptyset(Pointer set);

        static native int sigfillset(Pointer set);

        static native int open(String path, int flags);

        static native int close(int fd);

        static native int setns(int fd, int type);

        static native int waitid(int type, int id, byte[] info, int options);

        static native int waitpid(int pid, int[] status, int options);

        static native int kill(int pid, int signal);

        static native String strerror(int error);
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

    private static final boolean USABLE = load();
    /** Where a spawned command is waited for: one thread each while it runs. */
    private static final ExecutorService WAITERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "floe-spawned-wait");
        t.setDaemon(true);
        return t;
    });
    /**
     * The attributes of every spawn, made once (posix_spawn only reads them): a process group of
     * its own, every signal unblocked and at its default action. Null where nothing is spawned.
     */
    private static final Memory ATTRIBUTES = USABLE ? attributes() : null;
    /**
     * This JVM's environment (which does not change) as C's {@code envp}, made once: most commands
     * add nothing to it, and building it took about a tenth of a short command's bookkeeping.
     */
    private static final Memory JVM_ENVIRONMENT = USABLE ? cStrings(environment(Map.of())) : null;

    private final LinkedBlockingQueue<Spawn> requests = new LinkedBlockingQueue<>();

    private Spawner() {}

    /** Whether commands can be spawned from here: Linux on x86-64 or AArch64, a C library with every function used. */
    private static boolean load() {
        String arch = System.getProperty("os.arch");
        if (!System.getProperty("os.name").equals("Linux")
                || !(arch.equals("amd64") || arch.equals("aarch64"))) {
            return false;
        }
        try {
            // Called once here: a C library without them (glibc before 2.34) is not used.
            try (Memory actions = new Memory(ACTIONS_SIZE)) {
                LibC.posix_spawn_file_actions_init(actions);
                LibC.posix_spawn_file_actions_addchdir_np(actions, "/");
                LibC.posix_spawn_file_actions_addclosefrom_np(actions, 3);
                LibC.posix_spawn_file_actions_destroy(actions);
            }
            return true;
        } catch (LinkageError | RuntimeException e) {
            LOG.info("the launcher starts commands itself: native calls cannot be made here ({})", e.toString());
            return false;
        }
    }

    private static Memory attributes() {
        Memory attributes = new Memory(ATTRIBUTES_SIZE);
        try (Memory none = new Memory(SET_SIZE); Memory all = new Memory(SET_SIZE)) {
            LibC.posix_spawnattr_init(attributes);
            LibC.sigemptyset(none);
            LibC.sigfillset(all);
            LibC.posix_spawnattr_setsigmask(attributes, none);
            LibC.posix_spawnattr_setsigdefault(attributes, all);
            LibC.posix_spawnattr_setpgroup(attributes, 0);
            LibC.posix_spawnattr_setflags(attributes, (short) (POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK));
        }
        return attributes;
    }

    /**
     * A spawner whose commands are born in the PID namespace of the process {@code holder} (a
     * launcher, that namespace's first process); null where commands cannot be spawned from here.
     */
    static Spawner joining(long holder) {
        if (!USABLE) {
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
            int fd = LibC.open("/proc/" + holder + "/ns/pid_for_children", O_CLOEXEC);
            failure = fd < 0 ? "cannot open the launcher's PID namespace (errno " + Native.getLastError() + ")"
                    : LibC.setns(fd, CLONE_NEWPID) != 0 ? "cannot join the launcher's PID namespace (errno " + Native.getLastError() + ")" : "";
            if (fd >= 0) {
                LibC.close(fd);
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
     * Starts {@code file} with {@code argv} and this JVM's environment with {@code env} over it, in
     * {@code dir} (null: this JVM's), standard output and error to the files given (after what they
     * hold, with {@code append}). Returns once it runs; an {@link IOException} naming the reason when
     * it could not, {@link Launcher.Gone} when nothing can be born in the namespace any more.
     */
    SpawnedProcess start(String file, List<String> argv, Map<String, String> env, String dir, File out, File err, boolean append)
            throws IOException {
        int flags = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC);
        try (Memory actions = new Memory(ACTIONS_SIZE); Memory path = cString(file); Memory argvBlock = cStrings(argv.toArray(new String[0]));
                Memory taskEnv = env.isEmpty() ? null : cStrings(environment(env))) {
            Pointer envBlock = taskEnv != null ? taskEnv : JVM_ENVIRONMENT;
            LibC.posix_spawn_file_actions_init(actions);
            try {
                LibC.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", 0, 0);
                LibC.posix_spawn_file_actions_addopen(actions, 1, out.getPath(), flags, 0666);
                LibC.posix_spawn_file_actions_addopen(actions, 2, err.getPath(), flags, 0666);
                if (dir != null) {
                    LibC.posix_spawn_file_actions_addchdir_np(actions, dir);
                }
                LibC.posix_spawn_file_actions_addclosefrom_np(actions, 3);
                Spawn spawn = new Spawn(path, actions, ATTRIBUTES, argvBlock, envBlock);
                requests.add(spawn);
                int pid = spawn.await();
                if (pid == -ENOMEM) {
                    // What fork says when the namespace has lost its first process: the launcher ended.
                    throw new Launcher.Gone();
                }
                if (pid < 0) {
                    throw new IOException(dir != null && !new File(dir).isDirectory()
                            ? "cannot change to directory " + dir + ": " + LibC.strerror(-pid)
                            : "cannot run " + file + ": " + LibC.strerror(-pid));
                }
                SpawnedProcess process = new SpawnedProcess(pid);
                WAITERS.execute(process::awaitEnd);
                return process;
            } finally {
                LibC.posix_spawn_file_actions_destroy(actions);
            }
        }
    }

    /** Sends {@code signal} to process group {@code group}. */
    static void signalGroup(int group, int signal) {
        LibC.kill(-group, signal);
    }

    /**
     * Blocks until child {@code pid} has ended, leaving it unreaped (its pid and group stay
     * reserved); false when it is no child of this JVM's any more.
     */
    static boolean awaitEnd(int pid) {
        byte[] info = new byte[INFO_SIZE];
        while (LibC.waitid(P_PID, pid, info, WEXITED | WNOWAIT) != 0) {
            if (Native.getLastError() != EINTR) {
                return false;
            }
        }
        return true;
    }

    /** Reaps child {@code pid}, which has ended: its exit code, or 128 + the signal that ended it. */
    static int reap(int pid) {
        int[] status = new int[1];
        while (LibC.waitpid(pid, status, 0) < 0) {
            if (Native.getLastError() != EINTR) {
                return 128 + SIGKILL;
            }
        }
        int s = status[0];
        return (s & 0x7f) == 0 ? (s >> 8) & 0xff : 128 + (s & 0x7f);
    }

    /** This JVM's environment with {@code overrides} over it, as {@code NAME=value} entries. */
    private static String[] environment(Map<String, String> overrides) {
        Map<String, String> all = System.getenv();
        if (!overrides.isEmpty()) {
            all = new java.util.HashMap<>(all);
            all.putAll(overrides);
        }
        String[] entries = new String[all.size()];
        int i = 0;
        for (Map.Entry<String, String> e : all.entrySet()) {
            entries[i++] = e.getKey() + "=" + e.getValue();
        }
        return entries;
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
     * {@code values} as C's {@code char *[]}, ending with a null pointer, in one block: the
     * pointers first, then the UTF-8 strings they point to.
     */
    private static Memory cStrings(String[] values) {
        byte[][] bytes = new byte[values.length][];
        long pointers = (values.length + 1L) * Native.POINTER_SIZE;
        long size = pointers;
        for (int i = 0; i < values.length; i++) {
            bytes[i] = values[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
            size += bytes[i].length + 1L;
        }
        Memory m = new Memory(size);
        long at = pointers;
        for (int i = 0; i < values.length; i++) {
            m.setPointer((long) i * Native.POINTER_SIZE, m.share(at));
            m.write(at, bytes[i], 0, bytes[i].length);
            m.setByte(at + bytes[i].length, (byte) 0);
            at += bytes[i].length + 1L;
        }
        m.setPointer((long) values.length * Native.POINTER_SIZE, null);
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
        private final Pointer argv;
        private final Pointer env;
        private final int[] pid = new int[1];
        private int result;
        private boolean done;

        Spawn(Pointer file, Pointer actions, Pointer attributes, Pointer argv, Pointer env) {
            this.file = file;
            this.actions = actions;
            this.attributes = attributes;
            this.argv = argv;
            this.env = env;
        }

        void run() {
            int error;
            try {
                error = LibC.posix_spawn(pid, file, actions, attributes, argv, env);
            } catch (RuntimeException | Error e) {
                error = EAGAIN; // the caller is told it could not start; the spawner serves the next
            }
            synchronized (this) {
                result = error == 0 ? pid[0] : -error;
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
