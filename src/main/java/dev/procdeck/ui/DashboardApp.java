package dev.procdeck.ui;

public final class DashboardApp {
    public static void open(String[] args) {
        System.err.println("dashboard: not yet");
    }
}
