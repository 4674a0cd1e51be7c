package io.dpsemu.loadgen;

import java.io.Console;
import java.lang.reflect.InvocationTargetException;

/** Whether a person watches: only then is the live progress line worth printing. */
final class Terminal {

    private Terminal() {
    }

    static boolean isInteractive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        // Java 22 returns a console even when output is redirected, and added isTerminal() to tell
        try {
            return (boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (IllegalAccessException | InvocationTargetException e) {
            return false;
        }
    }
}
