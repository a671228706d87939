package dev.procdeck.ui;

import javafx.scene.control.ButtonBase;
import javafx.scene.control.ContentDisplay;
import javafx.scene.control.Labeled;
import javafx.scene.control.MenuItem;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The icons of the window, one place: Feather line icons (through Ikonli), which take the text colour of the
 * theme and look the same on every desktop, unlike the text glyphs ▶ ■ ⟳ they replace.
 */
final class Icons {
    static final Ikon START = Feather.PLAY;
    static final Ikon STOP = Feather.SQUARE;
    static final Ikon RESTART = Feather.ROTATE_CW;
    static final Ikon OPEN = Feather.FOLDER;
    static final Ikon RELOAD = Feather.REFRESH_CW;
    static final Ikon COPY = Feather.COPY;
    static final Ikon BROWSER = Feather.EXTERNAL_LINK;
    static final Ikon LOGS = Feather.FILTER;
    static final Ikon ENVIRONMENT = Feather.LIST;
    static final Ikon KILL = Feather.ZAP;
    static final Ikon CLOSE = Feather.X;
    static final Ikon ALERT = Feather.ALERT_TRIANGLE;
    static final Ikon SAVE = Feather.SAVE;
    static final Ikon CLEAR = Feather.TRASH_2;
    static final Ikon UP = Feather.ARROW_UP;
    static final Ikon DOWN = Feather.ARROW_DOWN;
    static final Ikon MORE = Feather.MORE_HORIZONTAL;
    static final Ikon PLUS = Feather.PLUS;
    static final Ikon MINUS = Feather.MINUS;
    static final Ikon EYE = Feather.EYE;
    static final Ikon ATTACH = Feather.LINK;

    private Icons() {
    }

    static FontIcon icon(Ikon ikon) {
        FontIcon icon = new FontIcon(ikon);
        icon.getStyleClass().add("pd-icon");
        return icon;
    }

    static <T extends Labeled> T on(T control, Ikon ikon) {
        control.setGraphic(icon(ikon));
        return control;
    }

    static <T extends ButtonBase> T only(T button, Ikon ikon, String accessibleText) {
        button.setGraphic(icon(ikon));
        button.setText(null);
        button.setContentDisplay(ContentDisplay.GRAPHIC_ONLY);
        button.setAccessibleText(accessibleText);
        return button;
    }

    static MenuItem on(MenuItem item, Ikon ikon) {
        item.setGraphic(icon(ikon));
        return item;
    }
}
