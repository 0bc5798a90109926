// scripts/bench: fills its heap until its memory limit kills it.
export default {
  fetch() {
    const keep = [];
    for (;;) keep.push(new Array(10000).fill(1));
  },
};
