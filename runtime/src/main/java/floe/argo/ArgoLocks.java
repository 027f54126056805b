package floe.argo;

import floe.argo.ArgoConverter.ArgoError;
import floe.expr.Templates;
import floe.model.Lock;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A template's or workflow's {@code synchronization}: Argo's mutexes (by name, which may use
 * variables) and semaphores (their limit a config map's key, given with {@code --config-map}), as
 * {@link Lock}s of this machine under {@code floe.argo.lock-dir}. As in Argo, a mutex is named
 * within its namespace ({@code NAMESPACE/Mutex/NAME}) and a semaphore by its config map's key
 * ({@code NAMESPACE/ConfigMap/NAME/KEY}), so runs of different workflows that name the same one
 * share it. Argo 3.7's database locks, shared through its database by several controllers, are
 * kept with the others here ({@code NAMESPACE/Database/KEY} for a semaphore, whose limit is
 * {@code floe.argo.semaphore-limits}' {@code NAMESPACE/KEY}, as Argo's {@code sync_limit} table has it).
 */
final class ArgoLocks implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One lock as written: its name (a template for a mutex), its limit, and where it is written. */
    private record Spec(String name, int permits, String where) implements Serializable {}

    private final List<Spec> specs;
    private final String dir;

    private ArgoLocks(List<Spec> specs, String dir) {
        this.specs = List.copyOf(specs);
        this.dir = dir;
    }

    static ArgoLocks none() {
        return new ArgoLocks(List.of(), "/");
    }

    boolean isEmpty() {
        return specs.isEmpty();
    }

    /** The locks {@code sync} (at {@code where}) names; a semaphore's limit is read now. */
    static ArgoLocks of(ArgoSpec.Synchronization sync, String where, String namespace, ArgoOptions options,
            LocalResources.Notices notices) {
        List<Spec> specs = new ArrayList<>();
        if (sync == null) {
            return new ArgoLocks(specs, options.lockDir());
        }
        List<ArgoSpec.Mutex> mutexes = new ArrayList<>();
        List<String> mutexPaths = new ArrayList<>();
        if (sync.mutexes() != null) {
            for (int i = 0; i < sync.mutexes().size(); i++) {
                mutexes.add(sync.mutexes().get(i));
                mutexPaths.add(where + ".mutexes[" + i + "]");
            }
        }
        if (sync.mutex() != null) {
            mutexes.add(sync.mutex());
            mutexPaths.add(where + ".mutex");
        }
        for (int i = 0; i < mutexes.size(); i++) {
            ArgoSpec.Mutex m = mutexes.get(i);
            if (m.name() == null || m.name().isBlank()) {
                throw new ArgoError(mutexPaths.get(i) + ".name", "missing: give the mutex a name");
            }
            String ns = m.namespace() == null ? namespace : m.namespace();
            if (Boolean.TRUE.equals(m.database())) {
                notices.notice(mutexPaths.get(i) + ".database", "no effect here: Floe keeps the mutex under floe.argo.lock-dir,"
                        + " shared by the runs of this machine, not in Argo's database");
            }
            specs.add(new Spec(ns + "/Mutex/" + m.name(), 1, mutexPaths.get(i) + ".name"));
        }
        List<ArgoSpec.SemaphoreRef> semaphores = new ArrayList<>();
        List<String> semaphorePaths = new ArrayList<>();
        if (sync.semaphores() != null) {
            for (int i = 0; i < sync.semaphores().size(); i++) {
                semaphores.add(sync.semaphores().get(i));
                semaphorePaths.add(where + ".semaphores[" + i + "]");
            }
        }
        if (sync.semaphore() != null) {
            semaphores.add(sync.semaphore());
            semaphorePaths.add(where + ".semaphore");
        }
        for (int i = 0; i < semaphores.size(); i++) {
            ArgoSpec.SemaphoreRef semaphore = semaphores.get(i);
            String ns = semaphore.namespace() == null ? namespace : semaphore.namespace();
            if (semaphore.database() != null) {
                String at = semaphorePaths.get(i) + ".database";
                if (semaphore.configMapKeyRef() != null) {
                    throw new ArgoError(at, "a semaphore takes its limit from a config map or from the database, not both");
                }
                String key = semaphore.database().key();
                if (key == null || key.isBlank()) {
                    throw new ArgoError(at + ".key", "missing: give the key of the semaphore's limit");
                }
                specs.add(new Spec(ns + "/Database/" + key, databaseLimit(ns + "/" + key, at, options, notices), at));
                continue;
            }
            ArgoSpec.ConfigMapKeySelector ref = semaphore.configMapKeyRef();
            String at = semaphorePaths.get(i) + ".configMapKeyRef";
            if (ref == null || ref.name() == null || ref.key() == null) {
                throw new ArgoError(at, "give the config map's name and key that hold the semaphore's limit");
            }
            specs.add(new Spec(ns + "/ConfigMap/" + ref.name() + "/" + ref.key(), limit(ref, at, options, notices), at));
        }
        return new ArgoLocks(specs, options.lockDir());
    }

    /** The limit of a database semaphore, {@code floe.argo.semaphore-limits}' {@code NAMESPACE/KEY}. */
    private static int databaseLimit(String key, String where, ArgoOptions options, LocalResources.Notices notices) {
        Integer limit = options.semaphoreLimits().get(key);
        if (limit == null) {
            String need = "the semaphore's limit, which Argo keeps in its database, is not given here: -D "
                    + "floe.argo.semaphore-limits=" + key + ":LIMIT";
            if (!options.checking()) {
                throw new ArgoError(where, need);
            }
            notices.notice(where, "to run: " + need);
            return 1;
        }
        if (limit < 1) {
            throw new ArgoError(where, "floe.argo.semaphore-limits gives '" + key + "' the limit " + limit
                    + ": give a whole number of at least 1");
        }
        return limit;
    }

    private static int limit(ArgoSpec.ConfigMapKeySelector ref, String where, ArgoOptions options, LocalResources.Notices notices) {
        String value = LocalResources.configMapValue(options, notices, ref.name(), ref.key(), false, where);
        if (options.checking() && !options.configMaps().containsKey(ref.name())) {
            return 1; // a stand-in: lint has noticed what the run needs
        }
        try {
            int limit = Integer.parseInt(value.strip());
            if (limit >= 1) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new ArgoError(where, "the semaphore's limit, config map '" + ref.name() + "' key '" + ref.key() + "', is '"
                + value.strip() + "': give a whole number of at least 1");
    }

    /** The locks with their names' variables filled in from {@code vars}. */
    List<Lock> resolve(Map<String, String> vars) {
        List<Lock> out = new ArrayList<>();
        for (Spec s : specs) {
            out.add(new Lock(Templates.resolve(s.name(), vars, s.where()), s.permits(), dir));
        }
        return out;
    }
}
