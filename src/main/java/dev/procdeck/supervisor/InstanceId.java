package dev.procdeck.supervisor;

/** One copy of a process type: {@code web.2} is number 2 of type web. Ordered by type then number. */
public record InstanceId(String type, int number) implements Comparable<InstanceId> {

    public InstanceId {
        if (number < 1) {
            throw new IllegalArgumentException("instance numbers start at 1: " + number);
        }
    }

    public static InstanceId parse(String name) {
        int dot = name.lastIndexOf('.');
        if (dot <= 0) {
            throw new IllegalArgumentException("not an instance name (expected type.N): " + name);
        }
        try {
            return new InstanceId(name.substring(0, dot), Integer.parseInt(name.substring(dot + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an instance name (expected type.N): " + name, e);
        }
    }

    public String name() {
        return type + "." + number;
    }

    @Override
    public int compareTo(InstanceId o) {
        int c = type.compareTo(o.type);
        return c != 0 ? c : Integer.compare(number, o.number);
    }

    @Override
    public String toString() {
        return name();
    }
}
