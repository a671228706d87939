package dev.procdeck.ui;

import dev.procdeck.export.ExportFormat;
import java.io.File;
import java.nio.file.Path;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.stage.DirectoryChooser;
import javafx.stage.Window;

/**
 * File › Export…: the format, the folder to write into, the image (kubernetes only) and whether to overwrite.
 * Export runs off the FX thread ({@link ProjectExport}); the outcome (files written and warnings, or the error)
 * is shown when it is done.
 */
final class ExportDialog extends Dialog<ProjectExport.Request> {
    static final ButtonType EXPORT = new ButtonType("Export", ButtonBar.ButtonData.OK_DONE);

    final ChoiceBox<ExportFormat> format = new ChoiceBox<>();
    final TextField folder = new TextField();
    final TextField image = new TextField();
    final CheckBox overwrite = new CheckBox("Overwrite files already in the folder");

    ExportDialog(Window owner, ProjectExport export) {
        initOwner(owner);
        setTitle("Export");
        setHeaderText("Export " + export.project().root().getFileName() + " for another process manager"
                + (export.formation() == null ? "" : "\nwith the formation " + export.formation()));
        format.getItems().setAll(ExportFormat.values());
        format.setValue(ExportFormat.SYSTEMD);
        format.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(ExportFormat f) {
                return f == null ? "" : f.spelling();
            }

            @Override
            public ExportFormat fromString(String s) {
                return ExportFormat.parse(s);
            }
        });
        format.setId("exportFormat");
        folder.setId("exportFolder");
        folder.setPromptText("folder to write into");
        folder.setText(export.project().root().resolve("export").toString());
        image.setId("exportImage");
        image.setPromptText("registry/app:tag (kubernetes)");
        image.disableProperty().bind(format.valueProperty().isNotEqualTo(ExportFormat.KUBERNETES));
        overwrite.setId("exportOverwrite");
        Button browse = new Button("Browse…");
        browse.setOnAction(e -> {
            DirectoryChooser chooser = new DirectoryChooser();
            chooser.setTitle("Export into");
            File start = new File(folder.getText());
            if (start.isDirectory()) {
                chooser.setInitialDirectory(start);
            }
            File chosen = chooser.showDialog(getDialogPane().getScene().getWindow());
            if (chosen != null) {
                folder.setText(chosen.getPath());
            }
        });
        HBox folderRow = new HBox(6, folder, browse);
        HBox.setHgrow(folder, Priority.ALWAYS);
        GridPane grid = new GridPane();
        grid.setHgap(8);
        grid.setVgap(8);
        grid.setPadding(new Insets(10));
        grid.addRow(0, new Label("Format"), format);
        grid.addRow(1, new Label("Folder"), folderRow);
        grid.addRow(2, new Label("Image"), image);
        grid.add(overwrite, 1, 3);
        getDialogPane().setContent(grid);
        getDialogPane().setId("exportDialog");
        getDialogPane().getButtonTypes().setAll(EXPORT, ButtonType.CANCEL);
        getDialogPane().lookupButton(EXPORT).disableProperty().bind(folder.textProperty().isEmpty()
                .or(format.valueProperty().isEqualTo(ExportFormat.KUBERNETES).and(image.textProperty().isEmpty())));
        setResultConverter(b -> b == EXPORT ? request() : null);
    }

    ProjectExport.Request request() {
        return new ProjectExport.Request(format.getValue(), Path.of(folder.getText().strip()), image.getText(),
                overwrite.isSelected());
    }

    /** Asks, exports off the FX thread, then tells what was written (or why not). */
    static void show(Window owner, ProjectExport export) {
        new ExportDialog(owner, export).showAndWait().ifPresent(request -> export.run(request)
                .thenAccept(outcome -> Platform.runLater(() -> outcome(owner, outcome))));
    }

    private static void outcome(Window owner, ProjectExport.Outcome outcome) {
        Alert alert = new Alert(outcome.ok() ? Alert.AlertType.INFORMATION : Alert.AlertType.ERROR);
        alert.initOwner(owner);
        alert.setTitle("Export");
        alert.setHeaderText(outcome.ok() ? "Exported" : "Nothing exported");
        TextArea text = new TextArea(outcome.describe());
        text.setEditable(false);
        text.setWrapText(true);
        text.setId("exportOutcome");
        alert.getDialogPane().setContent(text);
        alert.show();
    }
}
