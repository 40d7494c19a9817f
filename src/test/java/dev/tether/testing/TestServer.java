package dev.tether.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.account.Account;
import dev.tether.access.AccountService;
import dev.tether.access.NewPasscode;
import dev.tether.account.ConflictPolicy;
import dev.tether.config.Limits;
import dev.tether.http.Telemetry;
import dev.tether.http.TetherServer;
import dev.tether.check.InvariantViolation;
import dev.tether.store.Store;
import dev.tether.store.Stores;
import dev.tether.webhook.SecretBox;
import dev.tether.webhook.WebhookConfig;
import dev.tether.webhook.WebhookService;
import dev.tether.webhook.WebhookSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/** A real server on a free port over a fresh database of one backend, with accounts and an HTTP client. */
public final class TestServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String databaseUrl;
    private final Store store;
    private final TetherServer server;
    private final AccountService accounts;
    private final WebhookConfig webhooks;
    /** The server's clock, which the accounts and webhooks made through this class read too. */
    private final Clock clock;

    public TestServer(Backend backend) {
        this(backend.newDatabaseUrl(), Limits.defaults());
    }

    public TestServer(String databaseUrl, Limits limits) {
        this(databaseUrl, limits, new WebhookConfig(new SecretBox(newKeyFile()), WebhookSettings.defaults()));
    }

    public TestServer(String databaseUrl, Limits limits, WebhookConfig webhooks) {
        this(databaseUrl, limits, webhooks, Telemetry.defaults());
    }

    /** With metrics and the request log as given. */
    public TestServer(Backend backend, Telemetry telemetry) {
        this(backend.newDatabaseUrl(), Limits.defaults(), new WebhookConfig(new SecretBox(newKeyFile()),
                WebhookSettings.defaults()), telemetry);
    }

    /** On a clock the test moves ({@link SteppedClock}): every unit of work reads its time there. */
    public TestServer(Backend backend, Clock clock) {
        this(backend.newDatabaseUrl(), Limits.defaults(), new WebhookConfig(new SecretBox(newKeyFile()),
                WebhookSettings.defaults()), Telemetry.defaults(), clock);
    }

    private TestServer(String databaseUrl, Limits limits, WebhookConfig webhooks, Telemetry telemetry) {
        this(databaseUrl, limits, webhooks, telemetry, Clock.systemUTC());
    }

    private TestServer(String databaseUrl, Limits limits, WebhookConfig webhooks, Telemetry telemetry, Clock clock) {
        this.databaseUrl = databaseUrl;
        this.webhooks = webhooks;
        this.store = Stores.open(databaseUrl, 8);
        this.server = new TetherServer(store, "local", limits, clock, webhooks, telemetry)
                .start("127.0.0.1", 0);
        server.shutdownIdleTimeout(Duration.ofMillis(50)); // a close does not wait out the client's kept connection
        OpenApiDocument.servedAt(server.port());
        this.clock = clock;
        this.accounts = new AccountService(store, clock);
    }

    /** Where a server's webhook key file goes: a fresh folder, the file made when the first endpoint is added. */
    public static Path newKeyFile() {
        return ScratchDirs.create("tether-webhook-key").resolve("webhook.key");
    }

    /** The account's webhook endpoints, through the key file this server opens their secrets with. */
    public WebhookService webhooks() {
        return new WebhookService(store, webhooks.secrets(), clock);
    }

    public String databaseUrl() {
        return databaseUrl;
    }

    public Store store() {
        return store;
    }

    /** What {@code tether check} would report on this server's database now. */
    public List<InvariantViolation> violations() {
        return Violations.of(store);
    }

    public AccountService accounts() {
        return accounts;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    public int port() {
        return server.port();
    }

    /** A client for a new account with every identity kind on and the default policy. */
    public Client newAccount() {
        return newAccount(true, true, ConflictPolicy.REJECT);
    }

    public Client newAccount(boolean email, boolean phone, ConflictPolicy policy) {
        AccountService.Created created = accounts.create(new AccountService.NewAccount("test", "local", email, phone,
                policy));
        return new Client(created.account(), created.passcode());
    }

    /** A client of the same account with a passcode of its own, as made by {@code tether passcode add}. */
    public Client withPasscode(Client of, NewPasscode passcode) {
        return new Client(of.account(), accounts.addPasscode(of.accountId(), passcode));
    }

    /** Speaks to the server as one account. */
    public final class Client {
        private final Account account;
        private final String passcode;

        Client(Account account, String passcode) {
            this.account = account;
            this.passcode = passcode;
        }

        public Account account() {
            return account;
        }

        public String accountId() {
            return account.id();
        }

        public String passcode() {
            return passcode;
        }

        public ApiResponse post(String path, String json) {
            return send(authorized(path).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)));
        }

        /** A POST with more headers: name, value, name, value, ... */
        public ApiResponse post(String path, String json, String... headers) {
            HttpRequest.Builder request = authorized(path).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json));
            for (int i = 0; i < headers.length; i += 2) {
                request.header(headers[i], headers[i + 1]);
            }
            return send(request);
        }

        /** A POST as this account to another base URL (another server on the database, a proxy). */
        public HttpRequest.Builder postTo(String baseUrl, String path, String json, String... headers) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .timeout(Duration.ofSeconds(60))
                    .header("X-CleverTap-Account-Id", account.id()).header("X-CleverTap-Passcode", passcode)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
            for (int i = 0; i < headers.length; i += 2) {
                request.header(headers[i], headers[i + 1]);
            }
            return request;
        }

        /**
         * A POST on a connection of its own: a server that refuses a request without reading its body (429) closes
         * the connection, and a shared client may already have sent the next request on it.
         */
        public ApiResponse postOnItsOwnConnection(String path, String json) {
            return send(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
                    authorized(path).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(json)));
        }

        public ApiResponse get(String pathAndQuery) {
            return send(authorized(pathAndQuery).GET());
        }

        private HttpRequest.Builder authorized(String path) {
            return request(path).header("X-CleverTap-Account-Id", account.id())
                    .header("X-CleverTap-Passcode", passcode);
        }
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(60));
    }

    public static ApiResponse send(HttpRequest.Builder request) {
        return send(HTTP, request);
    }

    /**
     * Sends the request and checks the exchange against the server's {@code /openapi.json}: an answer the document
     * does not describe fails the test that got it.
     */
    private static ApiResponse send(HttpClient http, HttpRequest.Builder request) {
        try {
            HttpRequest built = request.build();
            HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
            OpenApiDocument.get().assertDescribes(OpenApiDocument.Exchange.of(built.method(), built.uri(),
                    bodyOf(built), response));
            JsonNode json = null;
            try {
                json = JSON.readTree(response.body());
            } catch (IOException notJson) {
                // left null: the assertion on json will say so
            }
            return new ApiResponse(response.statusCode(), response.body(), json, response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The bytes a request's body publisher sends (the tests' bodies are strings and byte arrays: at once). */
    public static byte[] bodyOf(HttpRequest request) {
        if (request.bodyPublisher().isEmpty()) {
            return new byte[0];
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        request.bodyPublisher().get().subscribe(new Flow.Subscriber<ByteBuffer>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                bytes.writeBytes(chunk);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }

            @Override
            public void onComplete() {
                done.complete(bytes.toByteArray());
            }
        });
        try {
            return done.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the request's body back", e);
        }
    }

    /** Every route the server answers, as {@code "GET /health"}. */
    public List<String> routes() {
        return server.routes();
    }

    @Override
    public void close() {
        OpenApiDocument.noLongerServedAt(server.port());
        server.close();
        store.close();
    }
}
