package floe.compile;

import floe.model.TaskCompletion;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Flink type information for {@link TaskCompletion}, backed by {@link CompletionSerializer}. */
final class CompletionTypeInfo extends TypeInformation<TaskCompletion> {
    private static final long serialVersionUID = 1L;
    static final CompletionTypeInfo INSTANCE = new CompletionTypeInfo();

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<TaskCompletion> getTypeClass() {
        return TaskCompletion.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<TaskCompletion> createSerializer(SerializerConfig config) {
        return CompletionSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "TaskCompletion";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CompletionTypeInfo;
    }

    @Override
    public int hashCode() {
        return CompletionTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof CompletionTypeInfo;
    }
}
