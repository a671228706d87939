package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The words of the dashboard that carry logic: plurals, the closing countdown, secrets, themes. */
class DashboardTextsTest {
    @Test
    void oneProcessIsSingular() {
        assertThat(DashboardView.processes(1)).isEqualTo("1 process");
        assertThat(DashboardView.processes(2)).isEqualTo("2 processes");
        assertThat(DashboardView.processes(0)).isEqualTo("0 processes");
    }

    @Test
    void theClosingTextCountsDownToSigkill() {
        assertThat(DashboardView.closingText(1, 5000)).isEqualTo("Stopping 1 process — SIGTERM sent, SIGKILL in 5 s");
        assertThat(DashboardView.closingText(3, 3200)).isEqualTo("Stopping 3 processes — SIGTERM sent, SIGKILL in 4 s");
        assertThat(DashboardView.closingText(3, 0)).isEqualTo("Stopping 3 processes — SIGKILL sent");
        assertThat(DashboardView.closingText(0, 4000)).isEqualTo("Closing…");
    }

    @Test
    void secretsAreMaskedByNameUntilRevealed() {
        assertThat(EnvironmentDialog.isSecret("STRIPE_API_KEY")).isTrue();
        assertThat(EnvironmentDialog.isSecret("session_secret")).isTrue();
        assertThat(EnvironmentDialog.isSecret("GITHUB_TOKEN")).isTrue();
        assertThat(EnvironmentDialog.isSecret("DB_PASSWORD")).isTrue();
        assertThat(EnvironmentDialog.isSecret("PORT")).isFalse();
        assertThat(EnvironmentDialog.shown("DB_PASSWORD", "hunter2", false)).isEqualTo(EnvironmentDialog.MASK);
        assertThat(EnvironmentDialog.shown("DB_PASSWORD", "hunter2", true)).isEqualTo("hunter2");
        assertThat(EnvironmentDialog.shown("PORT", "5000", false)).isEqualTo("5000");
    }

    @Test
    void theMissingCommandIsTheFirstWordAfterAssignmentsAndExec() {
        assertThat(ProcessTableView.missingCommand("FOO=1 exec nosuchthing --flag")).isEqualTo("nosuchthing");
        assertThat(ProcessTableView.missingCommand("bundle exec rails s")).isEqualTo("bundle");
    }

    @Test
    void gsettingsDarkIsRecognisedAndSavedThemesParse() {
        assertThat(Theme.prefersDark("'prefer-dark'\n")).isTrue();
        assertThat(Theme.prefersDark("'default'\n")).isFalse();
        assertThat(Theme.parse("dark")).isEqualTo(Theme.DARK);
        assertThat(Theme.parse("nonsense")).isEqualTo(Theme.SYSTEM);
        assertThat(Theme.SYSTEM.isDark(true)).isTrue();
        assertThat(Theme.LIGHT.isDark(true)).isFalse();
    }
}
