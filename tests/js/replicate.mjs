// Replicate a pios node's LDES feed with the reference client and print one JSON line per
// member: {"id", "isVersionOf", "timestamp", "types"}. Usage: node replicate.mjs FEED-URL
import { replicateLDES, intoConfig } from "ldes-client";

const RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const url = process.argv[2];
if (!url) {
  console.error("usage: node replicate.mjs FEED-URL");
  process.exit(2);
}
const client = replicateLDES(intoConfig({ url }), "ascending");
client.on("error", (error) => {
  console.error("ldes-client error:", error);
  process.exitCode = 1;
});
const reader = client.stream({ highWaterMark: 10 }).getReader();
for (;;) {
  const { value, done } = await reader.read();
  if (done) break;
  const types = value.quads
    .filter((q) => q.subject.value === value.id.value && q.predicate.value === RDF_TYPE)
    .map((q) => q.object.value);
  console.log(JSON.stringify({
    id: value.id.value,
    isVersionOf: typeof value.isVersionOf === "string" ? value.isVersionOf
      : value.isVersionOf ? value.isVersionOf.value : null,
    timestamp: value.timestamp instanceof Date ? value.timestamp.toISOString() : value.timestamp,
    types,
  }));
}
