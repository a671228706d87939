package dev.procdeck.ui;

import dev.procdeck.supervisor.InstanceTerminal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** An {@link InstanceTerminal} that records what is typed; its echo, openness and whether it takes input are set by the test. */
final class FakeTerminal implements InstanceTerminal {
    final List<String> typed = new ArrayList<>();
    final List<String> sizes = new ArrayList<>();
    boolean echo = true;
    boolean open = true;
    boolean takesInput = true;

    private boolean type(String text) {
        if (!open || !takesInput) {
            return false;
        }
        typed.add(text);
        return true;
    }

    @Override
    public boolean write(byte[] bytes) {
        return type(new String(bytes, StandardCharsets.UTF_8));
    }

    @Override
    public boolean interrupt() {
        return type("^C");
    }

    @Override
    public boolean eof() {
        return type("^D");
    }

    @Override
    public void resize(int columns, int rows) {
        sizes.add(columns + "x" + rows);
    }

    @Override
    public boolean echoEnabled() {
        return echo;
    }

    @Override
    public boolean isOpen() {
        return open;
    }
}
