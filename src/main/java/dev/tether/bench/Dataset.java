package dev.tether.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The benchmark's records, shaped like those of an app that sends CleverTap its users and what they do
 * (BENCHMARKS.md, "Method"). Every profile carries the three kinds of identity (a customer id, an email
 * address and a phone number; the benchmark's accounts count email and phone as identities) and a dozen
 * properties. Events come over twelve names, most of them a few properties, with {@code Charged} carrying an
 * {@code Items} array as in CleverTap's own examples. Every record is a pure function of its index, so that a run
 * knows how many of the events it loaded carry a name, and a second run sends the same data.
 */
final class Dataset {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** 2026-11-01 00:00 UTC: the month of events is November 2026. */
    static final long NOV_1 = 1_793_491_200L;
    static final long MONTH_SECONDS = 30L * 24 * 3600;
    static final String CHARGED = "Charged";
    /** The event names, and how many of every hundred events carry each: views and searches most, purchases few. */
    private static final String[] NAMES = {"Product Viewed", "Page Viewed", "Searched", "Video Played",
        "Added To Cart", "Logged In", CHARGED, "Checkout Started", "Added To Wishlist", "Shared", "Coupon Applied",
        "Rated"};
    private static final int[] PER_HUNDRED = {22, 18, 12, 10, 9, 8, 6, 5, 4, 3, 2, 1};
    private static final String[] NAME_BY_SLOT = slots();
    private static final String[] CITIES = {"Mumbai", "Delhi", "Bengaluru", "Hyderabad", "Chennai", "Pune",
        "Kolkata", "Jaipur"};
    private static final String[] CATEGORIES = {"books", "music", "games", "fashion", "electronics", "home"};
    private static final String[] PAYMENT = {"Card", "UPI", "Net Banking", "Wallet", "Cash on Delivery"};

    private Dataset() {
    }

    private static String[] slots() {
        String[] slots = new String[100];
        int slot = 0;
        for (int n = 0; n < NAMES.length; n++) {
            for (int k = 0; k < PER_HUNDRED[n]; k++) {
                slots[slot++] = NAMES[n];
            }
        }
        if (slot != slots.length) {
            throw new IllegalStateException("the shares of the event names add up to " + slot + ", not 100");
        }
        return slots;
    }

    /** Profile i's customer id, its Identity. */
    static String identity(long i) {
        return "cust-" + (i / BLOCK) + scattered(i);
    }

    static String email(long i) {
        return "user" + (i / BLOCK) + scattered(i) + "@example.com";
    }

    /** Phone number i: US numbers, area codes from 201 on, ten million per area code. */
    static String phone(long i) {
        return "+1" + (201 + i / BLOCK) + scattered(i);
    }

    private static final long BLOCK = 10_000_000;

    /**
     * Seven digits for index i, a one-to-one map of each block of ten million indexes onto itself that sends
     * neighbours far apart: a run of profiles the benchmark takes together (a batch of updates, the numbers of one
     * disassociation) has identities spread over the whole index, as real users' are, not side by side in one page.
     */
    private static String scattered(long i) {
        long scattered = Math.floorMod((i % BLOCK) * 7_654_321L + 1_234_567L, BLOCK);
        return Long.toString(BLOCK + scattered).substring(1);
    }

    /** A new profile as an app's sign-up sends it: its three identities and its first properties. */
    static ObjectNode profile(long i) {
        ObjectNode data = JSON.createObjectNode().put("Name", "User " + i).put("Email", email(i)).put("Phone", phone(i))
                .put("Gender", i % 2 == 0 ? "F" : "M").put("DOB", "$D_" + (315_532_800L + i % 9_000 * 86_400L))
                .put("City", CITIES[(int) (i % CITIES.length)]).put("Plan", i % 10 == 0 ? "premium" : "basic")
                .put("Customer Type", i % 7 == 0 ? "gold" : "silver").put("Signup Source", i % 3 == 0 ? "web" : "app")
                .put("Lifetime Value", i % 5_000).put("MSG-email", i % 4 != 0).put("MSG-push", true)
                .put("MSG-sms", i % 3 == 0);
        return JSON.createObjectNode().put("type", "profile").put("identity", identity(i)).set("profileData", data);
    }

    /** An update of profile i as an app sends it on a visit: a counter and the screen last seen. */
    static ObjectNode update(long i) {
        ObjectNode data = JSON.createObjectNode().put("Last Screen", i % 2 == 0 ? "home" : "cart");
        data.set("Visits", JSON.createObjectNode().put("$incr", 1));
        return JSON.createObjectNode().put("type", "profile").put("identity", identity(i)).set("profileData", data);
    }

    /** The name of event i: a fixed draw from the shares above, spread so that a profile's events differ. */
    static String eventName(long i) {
        return NAME_BY_SLOT[(int) Long.remainderUnsigned(mix(i), 100)];
    }

    /** How many of the events [0, count) carry the name. */
    static long named(String name, long count) {
        long named = 0;
        for (long i = 0; i < count; i++) {
            if (eventName(i).equals(name)) {
                named++;
            }
        }
        return named;
    }

    /** Event i, by profile {@code profile} at {@code ts}. */
    static ObjectNode event(long i, long profile, long ts) {
        String name = eventName(i);
        ObjectNode data = JSON.createObjectNode();
        String category = CATEGORIES[(int) (i % CATEGORIES.length)];
        switch (name) {
            case CHARGED -> {
                ArrayNode items = data.put("Currency", "INR").put("Payment mode", PAYMENT[(int) (i % PAYMENT.length)])
                        .putArray("Items");
                long amount = 0;
                for (int k = 0; k <= i % 4; k++) {
                    long price = 99 + (i * 31 + k * 17) % 4_900;
                    int quantity = 1 + (int) ((i + k) % 3);
                    items.addObject().put("Product", "Product " + (i * 7 + k) % 20_000).put("Category", category)
                            .put("Price", price).put("Quantity", quantity);
                    amount += price * quantity;
                }
                data.put("Amount", amount).put("Charged ID", "order-" + i);
            }
            case "Product Viewed", "Added To Cart", "Added To Wishlist" -> data.put("Product", "Product " + i % 20_000)
                    .put("Category", category).put("Price", 99 + i % 4_900);
            case "Searched" -> data.put("Query", category + " " + i % 500).put("Results", i % 40);
            case "Page Viewed" -> data.put("Page", i % 2 == 0 ? "home" : "offers").put("Referrer", "app");
            case "Video Played" -> data.put("Video", "video-" + i % 3_000).put("Seconds", i % 600);
            case "Checkout Started", "Coupon Applied" -> data.put("Cart Value", 199 + i % 9_000)
                    .put("Coupon", i % 5 == 0 ? "SAVE10" : "");
            default -> data.put("Source", i % 2 == 0 ? "android" : "ios");
        }
        return JSON.createObjectNode().put("type", "event").put("identity", identity(profile)).put("ts", ts)
                .put("evtName", name).set("evtData", data);
    }

    /** SplitMix64's finalizer: neighbouring indexes land on unrelated slots. */
    private static long mix(long i) {
        long z = i + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
