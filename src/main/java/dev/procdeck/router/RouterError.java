package dev.procdeck.router;

/**
 * The router's error codes, as Heroku's router names them (devcenter "Heroku Error Codes"), so that a log line
 * read locally means what it means in production.
 */
public enum RouterError {
    H10("App crashed", "No instance of the type is up: each crashed, failed or was stopped."),
    H12("Request timeout", "The instance did not answer within the router's timeout."),
    H13("Connection closed without response", "The instance closed the connection before it sent a response."),
    H14("No web processes running", "The type is scaled to 0."),
    H18("Server Request Interrupted", "The instance closed the connection while the response was being sent."),
    H20("App boot timeout", "No instance became ready within the router's timeout."),
    H27("Client Request Interrupted", "The client closed its connection before the response was complete."),
    H28("Client Connection Idle", "The client did not send its whole request in time.");

    private final String description;
    private final String explanation;

    RouterError(String description, String explanation) {
        this.description = description;
        this.explanation = explanation;
    }

    public String description() {
        return description;
    }

    public String explanation() {
        return explanation;
    }

    /** The client's connection is what went wrong, not the app. */
    public boolean clientSide() {
        return this == H27 || this == H28;
    }
}
