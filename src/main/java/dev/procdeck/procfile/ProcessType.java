package dev.procdeck.procfile;

/**
 * A process type declared in a Procfile: {@code web: bundle exec rails server -p $PORT}.
 *
 * @param index position in the Procfile (0-based); it fixes the type's port block, whatever subset runs
 * @param line  1-based line of the declaration, for messages
 */
public record ProcessType(String name, String command, int index, int line) {
}
