package io.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A service's instances as a table (service and watch print the same). */
final class Instances {
    private Instances() {
    }

    static void print(JsonNode service, PrintWriter out) {
        Table t = new Table("ID", "ADDRESS", "PORT", "STATUS", "WEIGHT", "TAGS", "METADATA", "CHECK", "SINCE", "NOTE");
        for (JsonNode i : service.path("instances")) {
            List<String> tags = new ArrayList<>();
            i.path("tags").forEach(x -> tags.add(x.asText()));
            List<String> meta = new ArrayList<>();
            i.path("metadata").fields().forEachRemaining(e -> meta.add(e.getKey() + "=" + e.getValue().asText()));
            t.row(i.path("id").asText(), i.path("address").asText(), i.path("port").asInt(), i.path("status").asText(),
                    i.path("weight").asInt(), String.join(",", tags), String.join(",", meta), check(i.path("check")),
                    i.path("statusSince").asText(), i.path("note").isNull() ? "" : i.path("note").asText());
        }
        t.print(out);
    }

    private static String check(JsonNode c) {
        if (c.has("ttl")) {
            return "ttl " + c.get("ttl").asText();
        }
        if (c.has("http")) {
            return "http " + c.get("http").asText() + " every " + c.path("interval").asText();
        }
        if (c.has("tcp")) {
            return "tcp " + c.get("tcp").asText() + " every " + c.path("interval").asText();
        }
        return "";
    }

    /** The query string a service read shares with watch. */
    static String query(boolean healthy, List<String> tags) {
        StringBuilder q = new StringBuilder();
        if (healthy) {
            q.append("&healthy=true");
        }
        for (String t : tags) {
            q.append("&tag=").append(Connection.encode(t));
        }
        return q.toString();
    }
}
