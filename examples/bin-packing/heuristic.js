// Online bin packing (the classic FunSearch task): items arrive one by one and each goes into the
// open bin with the highest priority among those it fits in; a new bin opens when none fits.
// `policy-evolver evolve` rewrites the EVOLVE-BLOCK below; evaluate.mjs scores it.

// EVOLVE-BLOCK-START
function priority(item, remaining, capacity) {
  const waste = remaining - item;
  const fill = (capacity - waste) / capacity;
  let score = 0.2 * waste + 1.0 * fill;
  if (waste < 1) {
    score += 0.5;
  }
  return score;
}
// EVOLVE-BLOCK-END

module.exports = { priority };
