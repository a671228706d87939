package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.export.ExportFormat;
import dev.procdeck.procfile.ProjectLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.Node;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The Export dialog (headless): the image is asked for kubernetes only, and the choices become the request. */
@ExtendWith(ApplicationExtension.class)
class ExportDialogTest {
    private final ExecutorService io = Executors.newSingleThreadExecutor();
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        stage.setScene(new javafx.scene.Scene(new javafx.scene.layout.StackPane(), 300, 200)); // an owner has one
        stage.show();
    }

    @AfterEach
    void tearDown() {
        io.shutdownNow();
    }

    private <T> T onFx(java.util.concurrent.Callable<T> what) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        WaitForAsyncUtils.asyncFx(() -> {
            result.set(what.call());
            return null;
        }).get(10, TimeUnit.SECONDS);
        return result.get();
    }

    @Test
    void theImageIsAskedForKubernetesOnlyAndTheChoicesBecomeTheRequest() throws Exception {
        Path root = Files.createTempDirectory("procdeck-export");
        Files.writeString(root.resolve("Procfile"), "web: ./web\n");
        ProjectExport export = new ProjectExport(io, ProjectLoader.load(root, null, List.of(), Map.of()), "web=2",
                Map.of());
        ExportDialog dialog = onFx(() -> new ExportDialog(stage, export));
        Node exportButton = onFx(() -> dialog.getDialogPane().lookupButton(ExportDialog.EXPORT));

        assertThat(onFx(() -> dialog.format.getValue())).isEqualTo(ExportFormat.SYSTEMD);
        assertThat(onFx(() -> dialog.format.getItems())).containsExactly(ExportFormat.values());
        assertThat(onFx(() -> dialog.image.isDisabled())).isTrue();
        assertThat(onFx(() -> dialog.getHeaderText())).contains("web=2");
        assertThat(onFx(exportButton::isDisabled)).isFalse();

        onFx(() -> {
            dialog.format.setValue(ExportFormat.KUBERNETES);
            return null;
        });
        assertThat(onFx(() -> dialog.image.isDisabled())).isFalse();
        assertThat(onFx(exportButton::isDisabled)).as("kubernetes needs an image").isTrue();

        Path out = root.resolve("k8s");
        ProjectExport.Request request = onFx(() -> {
            dialog.image.setText("registry.example/app:1");
            dialog.folder.setText(out.toString());
            dialog.overwrite.setSelected(true);
            return dialog.request();
        });
        assertThat(onFx(exportButton::isDisabled)).isFalse();
        assertThat(request).isEqualTo(new ProjectExport.Request(ExportFormat.KUBERNETES, out,
                "registry.example/app:1", true));
    }
}
