package dev.tether.identity;

/**
 * The one rule for the text any client sends, identity values included: no control characters but tab, line feed
 * and carriage return, and no unpaired surrogates. PostgreSQL cannot store U+0000 in text or jsonb at all, a lone
 * surrogate would be written as '?', and neither has a use in a profile.
 */
public final class CleanText {
    private CleanText() {
    }

    public static boolean isClean(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
