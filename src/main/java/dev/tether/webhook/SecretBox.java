package dev.tether.webhook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals webhook secrets for the database with AES-256-GCM under a key kept in a file outside it (the webhook key
 * file), so that a dump of the database alone cannot sign a message. The endpoint's id is bound in as associated
 * data, so a sealed secret copied to another endpoint does not open. {@code webhook add} makes the key file when it
 * is not there yet (readable by its owner only); every server that delivers needs the same file.
 */
public final class SecretBox {
    private static final Logger LOG = LoggerFactory.getLogger(SecretBox.class);
    private static final String FORMAT = "v1:";
    private static final int KEY_BYTES = 32;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path keyFile;
    private volatile Optional<SecretKey> key = Optional.empty();

    public SecretBox(Path keyFile) {
        this.keyFile = keyFile;
    }

    public Path keyFile() {
        return keyFile;
    }

    /** Seals a secret for an endpoint, making the key file first if there is none. */
    String seal(String endpointId, String secret) {
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, key(true), iv, endpointId);
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            byte[] all = new byte[IV_BYTES + sealed.length];
            System.arraycopy(iv, 0, all, 0, IV_BYTES);
            System.arraycopy(sealed, 0, all, IV_BYTES, sealed.length);
            return FORMAT + Base64.getEncoder().encodeToString(all);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is in every JDK", e);
        }
    }

    /** The secret of an endpoint; a missing or different key file is a {@link WebhookKeyException}. */
    String open(String endpointId, String sealed) {
        if (!sealed.startsWith(FORMAT)) {
            throw new WebhookKeyException("the stored secret of endpoint " + endpointId + " is not sealed");
        }
        byte[] all = Base64.getDecoder().decode(sealed.substring(FORMAT.length()));
        try {
            byte[] iv = new byte[IV_BYTES];
            System.arraycopy(all, 0, iv, 0, IV_BYTES);
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, key(false), iv, endpointId);
            return new String(cipher.doFinal(all, IV_BYTES, all.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new WebhookKeyException("the secret of endpoint " + endpointId + " was sealed with another webhook"
                    + " key than " + keyFile + " (every server needs the same key file)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is in every JDK", e);
        }
    }

    private static Cipher cipher(int mode, SecretKey key, byte[] iv, String endpointId)
            throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
        cipher.updateAAD(endpointId.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    private SecretKey key(boolean makeIfMissing) {
        Optional<SecretKey> known = key;
        if (known.isPresent()) {
            return known.get();
        }
        synchronized (this) {
            if (key.isEmpty()) {
                if (!Files.exists(keyFile)) {
                    if (!makeIfMissing) {
                        throw new WebhookKeyException("no webhook key file at " + keyFile + ": copy the one"
                                + " 'tether webhook add' made to every server, or name it with --webhook-key-file");
                    }
                    make();
                }
                key = Optional.of(read());
            }
            return key.get();
        }
    }

    /** Makes the key file, readable by its owner only; another process that made it first wins. */
    private void make() {
        byte[] bytes = new byte[KEY_BYTES];
        RANDOM.nextBytes(bytes);
        try {
            Path folder = keyFile.toAbsolutePath().getParent();
            if (folder != null) {
                Files.createDirectories(folder);
            }
            Path temporary = Files.createTempFile(folder, ".webhook-key", ".tmp");
            try {
                if (temporary.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                    Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
                }
                Files.writeString(temporary, Base64.getEncoder().encodeToString(bytes) + "\n");
                Files.move(temporary, keyFile);
            } catch (FileAlreadyExistsException madeByAnother) {
                LOG.info("another process made the webhook key file {} first; its key is used", keyFile);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the webhook key file " + keyFile, e);
        }
    }

    private SecretKey read() {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(Files.readString(keyFile).trim());
        } catch (IllegalArgumentException e) {
            throw new WebhookKeyException("the webhook key file " + keyFile + " is not base64: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the webhook key file " + keyFile, e);
        }
        if (bytes.length != KEY_BYTES) {
            throw new WebhookKeyException("the webhook key file " + keyFile + " does not hold a 256-bit key");
        }
        return new SecretKeySpec(bytes, "AES");
    }
}
