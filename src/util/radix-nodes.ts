// How many nodes Redis's radix tree (rax) has when it holds a given set of keys: XINFO STREAM's
// radix-tree-nodes (a stream's macro nodes keyed by 16-byte master IDs) and the size test of
// lazy freeing for the client-tracking table. Redis equivalent: rax->numnodes in rax.c.
//
// The model is the maximally compressed trie rax builds by insertion: one node for the root,
// a run of chars with a single way on is one (compressed) node, a branch is one node with a
// child node per char, and a key ends on a node (a leaf is a node of its own; a key ending
// where others go on marks that node, adding none).

/** Nodes of a rax holding `keys`, which must be sorted (byte order) and distinct. */
export function radixTreeNodes(keys: readonly string[]): number {
  if (keys.length === 0) return 1;
  // Subtrees still to count, as (from, to, depth) triples: keys[from..to) share `depth` chars
  // and the subtree's top node sits after them. A stack, not recursion: keys nested as prefixes
  // of each other ("a", "aa", "aaa"...) would nest as deep as they are many.
  const stack = [0, keys.length, 0];
  let total = 0;
  while (stack.length !== 0) {
    const depth = stack.pop() as number;
    const to = stack.pop() as number;
    let from = stack.pop() as number;
    total++;
    // A key ending here only marks this node; sorted order puts it first.
    if ((keys[from] as string).length === depth) from++;
    if (from === to) continue;
    const first = keys[from] as string;
    const last = keys[to - 1] as string;
    if (first.charCodeAt(depth) === last.charCodeAt(depth)) {
      // One way on: a compressed node up to where the keys part or one ends (sorted keys: the
      // common prefix of the range is the common prefix of its ends).
      let d = depth + 1;
      while (d < first.length && d < last.length && first.charCodeAt(d) === last.charCodeAt(d)) d++;
      stack.push(from, to, d);
      continue;
    }
    // A branch: one child node per next char.
    let i = from;
    while (i < to) {
      const ch = (keys[i] as string).charCodeAt(depth);
      let j = i + 1;
      while (j < to && (keys[j] as string).charCodeAt(depth) === ch) j++;
      stack.push(i, j, depth + 1);
      i = j;
    }
  }
  return total;
}
