//! A byte trie over the per-token tests of one language: stem keys (a word is stemmed only
//! when a key is a prefix of its folded form), prefix globs (`word*`) and exact words
//! (`=word`, case-insensitive). One walk over a token's folded bytes answers all three.
//!
//! Why not an automaton: the tests are anchored at the token's start and a token may pass
//! several prefixes at once; aho-corasick has no anchored overlapping search, and a walk
//! that stops at the first byte without a child is what most tokens need (they share no
//! prefix with any test beyond a letter or two).

/// What ends at a node.
#[derive(Debug, Default, Clone)]
struct Node {
    /// Children by next byte, sorted by byte.
    children: Vec<(u8, u32)>,
    /// A stem key ends here.
    key: bool,
    /// Prefix tests ending here.
    prefixes: Vec<u32>,
    /// Exact-word tests ending here.
    exact: Vec<u32>,
}

/// The tests of one language, being built ([`TokenTrie::freeze`] makes it searchable).
#[derive(Debug, Clone)]
pub(crate) struct TokenTrie {
    nodes: Vec<Node>,
    /// Child of the root by first byte (0: none), to skip a search on the hottest step.
    root: Box<[u32; 256]>,
}

impl Default for TokenTrie {
    fn default() -> TokenTrie {
        TokenTrie {
            nodes: vec![Node::default()],
            root: Box::new([0; 256]),
        }
    }
}

/// A node of a frozen trie: ranges into the shared arrays of [`FrozenTrie`].
#[derive(Debug, Clone, Copy, Default)]
struct FlatNode {
    children: (u32, u32),
    ids: (u32, u32),
    /// Exact-word ids are `ids.0 + prefixes .. ids.1`.
    prefixes: u32,
    key: bool,
}

/// A trie in flat arrays: what the matcher walks for every token.
#[derive(Debug, Clone)]
pub(crate) struct FrozenTrie {
    nodes: Vec<FlatNode>,
    /// Children of all nodes: (byte, node).
    children: Vec<(u8, u32)>,
    /// Prefix then exact-word ids of all nodes.
    ids: Vec<u32>,
    root: Box<[u32; 256]>,
}

/// What a test is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TrieEntry {
    /// A stem key.
    Key,
    /// A prefix glob with this surface test id.
    Prefix(u32),
    /// An exact word with this surface test id.
    Exact(u32),
}

impl TokenTrie {
    /// Adds a test for `word` (folded form).
    pub fn insert(&mut self, word: &str, entry: TrieEntry) {
        let mut node = 0usize;
        for (depth, &b) in word.as_bytes().iter().enumerate() {
            let found = self.nodes[node]
                .children
                .binary_search_by_key(&b, |&(c, _)| c);
            node = match found {
                Ok(i) => self.nodes[node].children[i].1 as usize,
                Err(i) => {
                    let child = self.nodes.len() as u32;
                    self.nodes.push(Node::default());
                    self.nodes[node].children.insert(i, (b, child));
                    if depth == 0 {
                        self.root[b as usize] = child;
                    }
                    child as usize
                }
            };
        }
        let node = &mut self.nodes[node];
        match entry {
            TrieEntry::Key => node.key = true,
            TrieEntry::Prefix(id) => node.prefixes.push(id),
            TrieEntry::Exact(id) => node.exact.push(id),
        }
    }

    /// The searchable form.
    pub fn freeze(&self) -> FrozenTrie {
        let mut frozen = FrozenTrie {
            nodes: Vec::with_capacity(self.nodes.len()),
            children: Vec::new(),
            ids: Vec::new(),
            root: self.root.clone(),
        };
        for node in &self.nodes {
            let children = frozen.children.len() as u32;
            frozen.children.extend_from_slice(&node.children);
            let ids = frozen.ids.len() as u32;
            frozen.ids.extend_from_slice(&node.prefixes);
            frozen.ids.extend_from_slice(&node.exact);
            frozen.nodes.push(FlatNode {
                children: (children, frozen.children.len() as u32),
                ids: (ids, frozen.ids.len() as u32),
                prefixes: node.prefixes.len() as u32,
                key: node.key,
            });
        }
        frozen
    }
}

impl FrozenTrie {
    /// Walks `folded`: appends the ids of the prefix and exact tests it passes to `out`
    /// and tells whether a stem key is a prefix of it.
    pub fn test(&self, folded: &str, out: &mut Vec<u32>) -> bool {
        let bytes = folded.as_bytes();
        let mut node = 0usize;
        let mut depth = 0;
        let mut wanted = false;
        loop {
            let n = self.nodes[node];
            wanted |= n.key;
            let (start, end) = n.ids;
            if start != end {
                let prefix_end = start + n.prefixes;
                out.extend_from_slice(&self.ids[start as usize..prefix_end as usize]);
                if depth == bytes.len() {
                    out.extend_from_slice(&self.ids[prefix_end as usize..end as usize]);
                }
            }
            let Some(&b) = bytes.get(depth) else {
                return wanted;
            };
            node = if depth == 0 {
                self.root[b as usize] as usize
            } else {
                let (from, to) = n.children;
                self.children[from as usize..to as usize]
                    .iter()
                    .find(|&&(c, _)| c == b)
                    .map_or(0, |&(_, child)| child as usize)
            };
            if node == 0 {
                return wanted;
            }
            depth += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_walk_answers_keys_prefixes_and_exact_words() {
        let mut trie = TokenTrie::default();
        trie.insert("sanctio", TrieEntry::Key);
        trie.insert("sanc", TrieEntry::Prefix(1));
        trie.insert("sanctions", TrieEntry::Exact(2));
        trie.insert("санкц", TrieEntry::Prefix(3));
        let frozen = trie.freeze();
        let mut out = Vec::new();
        assert!(frozen.test("sanctions", &mut out));
        assert_eq!(out, [1, 2]);
        out.clear();
        assert!(!frozen.test("sanc", &mut out));
        assert_eq!(out, [1]);
        out.clear();
        assert!(!frozen.test("pressure", &mut out));
        assert!(out.is_empty());
        assert!(!frozen.test("санкциями", &mut out));
        assert_eq!(out, [3]);
        out.clear();
        assert!(!frozen.test("", &mut out));
        assert!(frozen.test("sanctionsx", &mut out));
        assert_eq!(out, [1]);
        trie.insert("", TrieEntry::Key);
        assert!(trie.freeze().test("anything", &mut out));
    }
}
