package dev.procdeck.supervisor;

import dev.procdeck.logs.AnsiText;
import dev.procdeck.logs.LogBatch;
import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogListener;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * {@code ready: log}: matches an instance's own output lines against its readiness regex, in the bus listener on
 * the reader's thread, so output never waits for a check. The cost is bounded: only instances still waiting are
 * looked at (one map look-up per batch otherwise), at most {@link #MAX_LINE_CHARS} of each line, and at most
 * {@link #MAX_STEPS_PER_BATCH} character reads of the regex engine per batch, so that even a pattern that
 * backtracks badly (procdeck.yml comes from the repository) costs a bounded amount. Matching stops at the first
 * match.
 */
final class LogReadiness implements LogListener {
    static final int MAX_LINE_CHARS = 4096;
    static final int MAX_STEPS_PER_BATCH = 1_000_000;

    /** One instance's wait for its line; {@code onMatch} runs at most once, on the reader's thread. */
    static final class Watch {
        private final Pattern pattern;
        private final Runnable onMatch;

        private Watch(Pattern pattern, Runnable onMatch) {
            this.pattern = pattern;
            this.onMatch = onMatch;
        }
    }

    private final Map<String, Watch> watches = new ConcurrentHashMap<>();

    /** Watches the output of {@code instance} (replacing an earlier watch of it) until a line matches. */
    Watch watch(String instance, Pattern pattern, Runnable onMatch) {
        Watch w = new Watch(pattern, onMatch);
        watches.put(instance, w);
        return w;
    }

    void cancel(String instance, Watch watch) {
        watches.remove(instance, watch);
    }

    /** True while some instance waits for a line (tests). */
    boolean watching(String instance) {
        return watches.containsKey(instance);
    }

    @Override
    public void onBatch(LogBatch batch) {
        if (watches.isEmpty() || batch.isEvent()) {
            return;
        }
        Watch w = watches.get(batch.instance());
        if (w == null) {
            return;
        }
        Budget budget = new Budget(MAX_STEPS_PER_BATCH);
        byte[] bytes = batch.bytes();
        int start = 0;
        while (start < bytes.length) {
            int end = LogBatch.lineEnd(bytes, start);
            int length = Math.min(end - start - 1, MAX_LINE_CHARS);
            String text = new String(bytes, start, Math.max(0, length), StandardCharsets.UTF_8);
            if (!batch.plain()) {
                text = AnsiText.stripColours(text);
            }
            try {
                if (w.pattern.matcher(new Counted(text, budget)).find()) {
                    if (watches.remove(batch.instance(), w)) {
                        w.onMatch.run();
                    }
                    return;
                }
            } catch (OverBudget e) {
                return; // this batch cost enough; the next lines get a fresh budget
            }
            start = end;
        }
    }

    private static final class Budget {
        long left;

        Budget(long left) {
            this.left = left;
        }
    }

    private static final class OverBudget extends RuntimeException {
        private static final OverBudget INSTANCE = new OverBudget();

        private OverBudget() {
            super(null, null, false, false);
        }
    }

    /** The text the regex engine reads, one counted character at a time. */
    private record Counted(String text, Budget budget) implements CharSequence {
        @Override
        public char charAt(int index) {
            if (--budget.left < 0) {
                throw OverBudget.INSTANCE;
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Counted(text.substring(start, end), budget);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
