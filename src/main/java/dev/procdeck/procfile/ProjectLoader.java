package dev.procdeck.procfile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a project's files from disk and hands their text to the parsers. All file I/O of project loading
 * lives here so that the parsers stay pure.
 */
public final class ProjectLoader {

    /** Largest Procfile, .env or procdeck.yml we read; anything bigger is almost certainly the wrong file. */
    static final long MAX_FILE_BYTES = 4L * 1024 * 1024;

    /** A FIFO, device or socket (or a symlink to one) is never read: it could block or never end. */
    private static final String NOT_A_REGULAR_FILE =
            "not a regular file (a FIFO, device or socket?); procdeck reads only regular files, replace it with one";

    private ProjectLoader() {
    }

    /**
     * @param root        working directory, or null for the Procfile's folder (or the current folder)
     * @param procfile    Procfile path, or null for {@code <root>/Procfile}
     * @param envFiles    .env files named by the user (each must exist), or empty for {@code <root>/.env} if present
     * @param parentEnv   the environment procdeck itself runs with, for ${VAR} expansion
     */
    public static Project load(Path root, Path procfile, List<Path> envFiles, Map<String, String> parentEnv)
            throws ProjectFileException {
        return load(root, procfile, envFiles, parentEnv, true);
    }

    /**
     * @param procfileRequired false for a one-off ({@code run}): a folder with only a .env is fine, and a
     *                         missing default Procfile gives a project with no process types. A Procfile
     *                         named with -f must still exist, and a broken one is still an error.
     */
    public static Project load(Path root, Path procfile, List<Path> envFiles, Map<String, String> parentEnv,
                               boolean procfileRequired) throws ProjectFileException {
        Path workDir;
        Path procfilePath;
        if (root != null) {
            workDir = root.toAbsolutePath().normalize();
            if (!Files.isDirectory(workDir)) {
                throw new ProjectFileException(ParseProblem.error(workDir.toString(), 0,
                        Files.exists(workDir) ? "not a folder; pass the project folder with -d"
                                : "folder not found; check the path given with -d"));
            }
            procfilePath = procfile != null ? workDir.resolve(procfile).normalize() : workDir.resolve("Procfile");
        } else {
            procfilePath = (procfile != null ? procfile : Path.of("Procfile")).toAbsolutePath().normalize();
            // -f DIR means DIR's Procfile, and then DIR is where the processes run, not DIR's parent.
            if (Files.isDirectory(procfilePath)) {
                procfilePath = procfilePath.resolve("Procfile");
            }
            workDir = procfilePath.getParent();
        }
        if (Files.isDirectory(procfilePath)) {
            procfilePath = procfilePath.resolve("Procfile");
        }
        String procfileName = procfilePath.toString();
        Procfile parsed;
        if (!Files.exists(procfilePath) && !procfileRequired && procfile == null) {
            parsed = new Procfile(procfileName, List.of(), List.of());
        } else if (Files.exists(procfilePath) && !Files.isRegularFile(procfilePath)) {
            throw new ProjectFileException(ParseProblem.error(procfilePath.toString(), 0, NOT_A_REGULAR_FILE));
        } else if (!Files.isRegularFile(procfilePath)) {
            throw new ProjectFileException(ParseProblem.error(procfilePath.toString(), 0,
                    "no Procfile found here; create one with lines like 'web: ./server --port $PORT',"
                            + " or point to it with -f"));
        } else {
            parsed = ProcfileParser.parse(procfileName, readText(procfilePath));
        }

        List<Path> envPaths = new ArrayList<>();
        if (envFiles == null || envFiles.isEmpty()) {
            Path dotenv = workDir.resolve(".env");
            if (Files.isRegularFile(dotenv)) {
                envPaths.add(dotenv);
            } else if (Files.exists(dotenv) && !Files.isDirectory(dotenv)) {
                // A FIFO or device: never read (it could block or never end), never skipped in silence either.
                // A folder is skipped: `python -m venv .env` is common.
                throw new ProjectFileException(ParseProblem.error(dotenv.toString(), 0, NOT_A_REGULAR_FILE));
            }
        } else {
            for (Path p : envFiles) {
                Path resolved = workDir.resolve(p).normalize();
                if (!Files.isRegularFile(resolved)) {
                    throw new ProjectFileException(ParseProblem.error(resolved.toString(), 0,
                            Files.isDirectory(resolved) ? "a folder, not an env file; check the name given with -e"
                                    : Files.exists(resolved) ? NOT_A_REGULAR_FILE
                                    : "env file not found; check the name given with -e"));
                }
                envPaths.add(resolved);
            }
        }
        Map<String, String> merged = new LinkedHashMap<>();
        List<ParseProblem> problems = new ArrayList<>();
        for (Path envPath : envPaths) {
            try {
                Map<String, String> values = DotEnvParser.parse(envPath.toString(), readText(envPath), name -> {
                    String v = merged.get(name);
                    return v != null ? v : parentEnv.get(name);
                });
                merged.putAll(values);
            } catch (ProjectFileException e) {
                problems.addAll(e.problems());
            }
        }
        ProjectConfig config = ProjectConfig.NONE;
        if (!parsed.types().isEmpty()) {
            try {
                config = loadConfig(procfilePath.getParent().resolve(ProjectConfig.FILE_NAME), parsed);
            } catch (ProjectFileException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new ProjectFileException(problems);
        }
        return new Project(workDir, procfilePath, parsed, merged, envPaths, config);
    }

    /**
     * procdeck.yml beside the Procfile, if there is one. A dangling symlink by that name is reported rather than
     * taken for "no file": the user meant to have one.
     */
    private static ProjectConfig loadConfig(Path path, Procfile procfile) throws ProjectFileException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return ProjectConfig.NONE;
        }
        if (!Files.isRegularFile(path)) {
            throw new ProjectFileException(ParseProblem.error(path.toString(), 0,
                    Files.isDirectory(path) ? "a folder, not a file; procdeck.yml must be a YAML file"
                            : Files.exists(path) ? NOT_A_REGULAR_FILE
                            : "a symbolic link to nothing; fix the link or remove it"));
        }
        // The release phase may have settings (env, stop_timeout) too: it is a type of the Procfile, only not of the formation.
        List<ProcessType> configurable = new java.util.ArrayList<>(procfile.types());
        procfile.releasePhase().ifPresent(configurable::add);
        return ProcdeckYmlParser.parse(path.toString(), readText(path), configurable).withFile(path);
    }

    /** Reads a small text file as UTF-8, reporting the line of the first invalid byte sequence. */
    static String readText(Path path) throws ProjectFileException {
        byte[] bytes;
        try {
            long size = Files.size(path);
            if (size > MAX_FILE_BYTES) {
                throw new ProjectFileException(ParseProblem.error(path.toString(), 0,
                        "file is " + size + " bytes, larger than the " + MAX_FILE_BYTES + " bytes allowed; is it the right file?"));
            }
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new ProjectFileException(ParseProblem.error(path.toString(), 0, "file not found"));
        } catch (IOException e) {
            throw new ProjectFileException(ParseProblem.error(path.toString(), 0, "cannot read: " + e.getMessage()));
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            String lenient = new String(bytes, StandardCharsets.UTF_8);
            int line = 1;
            for (int i = 0; i < lenient.length() && lenient.charAt(i) != '\uFFFD'; i++) {
                if (lenient.charAt(i) == '\n') {
                    line++;
                }
            }
            throw new ProjectFileException(ParseProblem.error(path.toString(), line,
                    "not valid UTF-8; save the file as UTF-8"));
        }
    }
}
