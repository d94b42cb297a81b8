//! Minimal cost-complexity pruning, as scikit-learn's `_cost_complexity_prune`.
//!
//! A fully grown tree overfits; pruning the branch whose removal costs the
//! least impurity per leaf removed, again and again, gives a nested sequence
//! of subtrees indexed by `ccp_alpha`. Users pick `ccp_alpha` from
//! scikit-learn's `cost_complexity_pruning_path` and expect the same subtree,
//! so the order of the pruning and the arithmetic follow `_tree.pyx` step by
//! step, and the pruned tree is renumbered depth first as there.

use ironlearn_core::{Error, Result};

use super::builder::{Tree, TREE_LEAF};

/// Checks `ccp_alpha` (a finite number >= 0).
pub(crate) fn check_ccp_alpha(ccp_alpha: f64) -> Result<()> {
    if ccp_alpha >= 0.0 && ccp_alpha.is_finite() {
        Ok(())
    } else {
        Err(Error::param(
            "ccp_alpha",
            format!("The 'ccp_alpha' parameter must be a float in the range [0.0, inf). Got {ccp_alpha} instead."),
        ))
    }
}

/// Runs the pruning of `tree`, stopping before the first branch whose
/// effective alpha exceeds `stop_above` (never, with None); returns the
/// leaves of the subtree reached and the (effective alpha, total leaf
/// impurity) of each subtree on the way.
fn cost_complexity_prune(tree: &Tree, stop_above: Option<f64>) -> (Vec<bool>, Vec<(f64, f64)>) {
    let n = tree.node_count();
    let w = &tree.weighted_n_node_samples;
    let total = w[0];
    let r_node: Vec<f64> = (0..n).map(|i| w[i] * tree.impurity[i] / total).collect();
    let (left, right) = (&tree.children_left, &tree.children_right);
    let mut parent: Vec<Option<usize>> = vec![None; n];
    let mut leaves = vec![false; n];
    let mut stack = vec![(0usize, None)];
    while let Some((node, p)) = stack.pop() {
        parent[node] = p;
        if left[node] == TREE_LEAF {
            leaves[node] = true;
        } else {
            stack.push((left[node] as usize, Some(node)));
            stack.push((right[node] as usize, Some(node)));
        }
    }
    let mut n_leaves = vec![0usize; n];
    let mut r_branch = vec![0.0; n];
    for leaf in 0..n {
        if !leaves[leaf] {
            continue;
        }
        r_branch[leaf] = r_node[leaf];
        let current = r_node[leaf];
        let mut at = leaf;
        while let Some(p) = parent[at] {
            r_branch[p] += current;
            n_leaves[p] += 1;
            at = p;
        }
    }
    let mut candidate: Vec<bool> = leaves.iter().map(|l| !l).collect();
    let mut in_subtree = vec![true; n];
    let mut path = vec![(0.0, r_branch[0])];
    while candidate[0] {
        let mut effective = f64::MAX;
        let mut pruned = 0;
        for i in 0..n {
            if !candidate[i] {
                continue;
            }
            let alpha = (r_node[i] - r_branch[i]) / (n_leaves[i] - 1) as f64;
            if alpha < effective {
                effective = alpha;
                pruned = i;
            }
        }
        if stop_above.is_some_and(|a| a < effective) {
            break;
        }
        let mut stack = vec![pruned];
        while let Some(node) = stack.pop() {
            if !in_subtree[node] {
                continue;
            }
            candidate[node] = false;
            leaves[node] = false;
            in_subtree[node] = false;
            if left[node] != TREE_LEAF {
                stack.push(left[node] as usize);
                stack.push(right[node] as usize);
            }
        }
        leaves[pruned] = true;
        in_subtree[pruned] = true;
        let n_pruned = n_leaves[pruned] - 1;
        n_leaves[pruned] = 0;
        let r_diff = r_node[pruned] - r_branch[pruned];
        r_branch[pruned] = r_node[pruned];
        let mut at = parent[pruned];
        while let Some(p) = at {
            n_leaves[p] -= n_pruned;
            r_branch[p] += r_diff;
            at = parent[p];
        }
        path.push((effective, r_branch[0]));
    }
    (leaves, path)
}

/// The subtree of `tree` for `ccp_alpha` (scikit-learn's `_build_pruned_tree_ccp`):
/// the tree itself when `ccp_alpha` is 0, else renumbered depth first.
pub fn prune(tree: &Tree, ccp_alpha: f64) -> Tree {
    if ccp_alpha == 0.0 {
        return tree.clone();
    }
    let (leaves, _) = cost_complexity_prune(tree, Some(ccp_alpha));
    let nv = tree.n_values;
    let mut out = Tree::new(nv, tree.n_features);
    // (original node, depth, parent in the new tree, is left)
    let mut stack = vec![(0usize, 0usize, None::<(usize, bool)>)];
    while let Some((node, depth, parent)) = stack.pop() {
        let id = out.feature.len();
        if let Some((p, is_left)) = parent {
            if is_left {
                out.children_left[p] = id as i64;
            } else {
                out.children_right[p] = id as i64;
            }
        }
        let leaf = leaves[node];
        out.children_left.push(TREE_LEAF);
        out.children_right.push(TREE_LEAF);
        out.feature.push(if leaf { super::builder::TREE_UNDEFINED } else { tree.feature[node] });
        out.threshold.push(if leaf { super::builder::TREE_UNDEFINED as f64 } else { tree.threshold[node] });
        out.missing_go_to_left.push(!leaf && tree.missing_left(node));
        out.impurity.push(tree.impurity[node]);
        out.n_node_samples.push(tree.n_node_samples[node]);
        out.weighted_n_node_samples.push(tree.weighted_n_node_samples[node]);
        out.value.extend_from_slice(&tree.value[node * nv..(node + 1) * nv]);
        out.max_depth = out.max_depth.max(depth);
        if !leaf {
            stack.push((tree.children_right[node] as usize, depth + 1, Some((id, false))));
            stack.push((tree.children_left[node] as usize, depth + 1, Some((id, true))));
        }
    }
    out
}

/// The effective alphas of the pruning sequence of `tree` and the total
/// leaf impurity of each subtree (scikit-learn's `cost_complexity_pruning_path`).
pub fn pruning_path(tree: &Tree) -> (Vec<f64>, Vec<f64>) {
    let (_, path) = cost_complexity_prune(tree, None);
    path.into_iter().unzip()
}
