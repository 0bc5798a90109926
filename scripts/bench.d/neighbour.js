// scripts/bench: the well-behaved neighbour whose latency is measured while others attack.
export default {
  fetch(request) {
    return new Response("hello from the neighbour\n", { headers: { "content-type": "text/plain" } });
  },
};
