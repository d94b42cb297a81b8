//! TreeSHAP: exact Shapley values of tree predictions in polynomial time.
//!
//! Lundberg, Erion & Lee (2018), Algorithm 2, with "path-dependent" feature
//! perturbation: a feature left out of a coalition follows both branches,
//! weighted by the training rows (cover) that went each way. Per row, the
//! values plus the expected value sum to the raw prediction.

use crate::tree::Tree;

#[derive(Debug, Clone, Copy, Default)]
struct PathElement {
    feature: i64,
    zero_fraction: f64,
    one_fraction: f64,
    weight: f64,
}

fn extend(path: &mut Vec<PathElement>, zero_fraction: f64, one_fraction: f64, feature: i64) {
    let d = path.len();
    path.push(PathElement { feature, zero_fraction, one_fraction, weight: if d == 0 { 1.0 } else { 0.0 } });
    for i in (0..d).rev() {
        path[i + 1].weight += one_fraction * path[i].weight * (i + 1) as f64 / (d + 1) as f64;
        path[i].weight = zero_fraction * path[i].weight * (d - i) as f64 / (d + 1) as f64;
    }
}

fn unwind(path: &mut Vec<PathElement>, index: usize) {
    let d = path.len() - 1;
    let (one, zero) = (path[index].one_fraction, path[index].zero_fraction);
    let mut next = path[d].weight;
    for i in (0..d).rev() {
        if one != 0.0 {
            let tmp = path[i].weight;
            path[i].weight = next * (d + 1) as f64 / ((i + 1) as f64 * one);
            next = tmp - path[i].weight * zero * (d - i) as f64 / (d + 1) as f64;
        } else {
            path[i].weight = path[i].weight * (d + 1) as f64 / (zero * (d - i) as f64);
        }
    }
    for i in index..d {
        path[i].feature = path[i + 1].feature;
        path[i].zero_fraction = path[i + 1].zero_fraction;
        path[i].one_fraction = path[i + 1].one_fraction;
    }
    path.pop();
}

fn unwound_sum(path: &[PathElement], index: usize) -> f64 {
    let d = path.len() - 1;
    let (one, zero) = (path[index].one_fraction, path[index].zero_fraction);
    let mut next = path[d].weight;
    let mut total = 0.0;
    for i in (0..d).rev() {
        if one != 0.0 {
            let tmp = next * (d + 1) as f64 / ((i + 1) as f64 * one);
            total += tmp;
            next = path[i].weight - tmp * zero * (d - i) as f64 / (d + 1) as f64;
        } else {
            total += path[i].weight / zero / ((d - i) as f64 / (d + 1) as f64);
        }
    }
    total
}

fn cover(tree: &Tree, node: i32) -> f64 {
    if node < 0 {
        tree.leaf_count[!node as usize]
    } else {
        tree.internal_count[node as usize]
    }
}

fn recurse(
    tree: &Tree,
    row: &[f64],
    phi: &mut [f64],
    node: i32,
    mut path: Vec<PathElement>,
    zero: f64,
    one: f64,
    feature: i64,
) {
    extend(&mut path, zero, one, feature);
    if node < 0 {
        let value = tree.leaf_value[!node as usize];
        for i in 1..path.len() {
            let w = unwound_sum(&path, i);
            let e = path[i];
            phi[e.feature as usize] += w * (e.one_fraction - e.zero_fraction) * value;
        }
        return;
    }
    let n = node as usize;
    let f = tree.split_feature[n] as usize;
    let (hot, cold) = if tree.go_left(n, row[f]) {
        (tree.left_child[n], tree.right_child[n])
    } else {
        (tree.right_child[n], tree.left_child[n])
    };
    let w = cover(tree, node);
    let (hot_zero, cold_zero) = if w > 0.0 { (cover(tree, hot) / w, cover(tree, cold) / w) } else { (0.5, 0.5) };
    let (mut in_zero, mut in_one) = (1.0, 1.0);
    if let Some(k) = path.iter().skip(1).position(|e| e.feature == f as i64).map(|k| k + 1) {
        in_zero = path[k].zero_fraction;
        in_one = path[k].one_fraction;
        unwind(&mut path, k);
    }
    recurse(tree, row, phi, hot, path.clone(), hot_zero * in_zero, in_one, f as i64);
    recurse(tree, row, phi, cold, path, cold_zero * in_zero, 0.0, f as i64);
}

/// The tree's expected output over its training rows.
pub fn expected_value(tree: &Tree) -> f64 {
    let total: f64 = tree.leaf_count.iter().sum();
    if total <= 0.0 {
        return tree.leaf_value.iter().sum::<f64>() / tree.leaf_value.len() as f64;
    }
    tree.leaf_value.iter().zip(&tree.leaf_count).map(|(v, c)| v * c).sum::<f64>() / total
}

/// Adds the tree's SHAP values for `row` to `phi` (features, then the expected value last).
pub fn tree_shap(tree: &Tree, row: &[f64], phi: &mut [f64]) {
    let nf = phi.len() - 1;
    phi[nf] += expected_value(tree);
    if tree.num_splits() == 0 {
        return;
    }
    recurse(tree, row, phi, 0, Vec::with_capacity(32), 1.0, 1.0, -1);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::decision::MISSING_NAN;

    /// E[f(x) | x_S] with features outside S following both branches by cover.
    fn conditional(tree: &Tree, row: &[f64], s: u32, node: i32) -> f64 {
        if node < 0 {
            return tree.leaf_value[!node as usize];
        }
        let n = node as usize;
        let f = tree.split_feature[n];
        if s >> f & 1 == 1 {
            let next = if tree.go_left(n, row[f as usize]) { tree.left_child[n] } else { tree.right_child[n] };
            return conditional(tree, row, s, next);
        }
        let (l, r) = (tree.left_child[n], tree.right_child[n]);
        (cover(tree, l) * conditional(tree, row, s, l) + cover(tree, r) * conditional(tree, row, s, r))
            / cover(tree, node)
    }

    fn brute_force(tree: &Tree, row: &[f64], nf: usize) -> Vec<f64> {
        let fact = |k: usize| (1..=k).map(|v| v as f64).product::<f64>();
        let mut phi = vec![0.0; nf];
        for (i, p) in phi.iter_mut().enumerate() {
            for s in 0u32..(1 << nf) {
                if s >> i & 1 == 1 {
                    continue;
                }
                let k = s.count_ones() as usize;
                let w = fact(k) * fact(nf - k - 1) / fact(nf);
                *p += w * (conditional(tree, row, s | 1 << i, 0) - conditional(tree, row, s, 0));
            }
        }
        phi
    }

    #[test]
    fn matches_brute_force_shapley_values() {
        // A depth-3 tree that splits twice on feature 0.
        let mut t = Tree::leaf(0.0, 100.0);
        t.split(0, 0, 0.5, MISSING_NAN, 1.0, (0.0, 60.0), (0.0, 40.0), None);
        t.split(0, 1, 0.3, 0, 1.0, (1.0, 20.0), (2.0, 40.0), None);
        t.split(1, 2, 0.7, 0, 1.0, (-3.0, 10.0), (5.0, 30.0), None);
        t.split(2, 0, 0.2, 0, 1.0, (4.0, 15.0), (-1.0, 25.0), None);
        for row in [[0.1, 0.2, 0.9], [0.9, 0.9, 0.1], [0.3, 0.1, 0.8], [f64::NAN, 0.5, 0.5]] {
            let mut phi = vec![0.0; 4];
            tree_shap(&t, &row, &mut phi);
            let want = brute_force(&t, &row, 3);
            for j in 0..3 {
                assert!((phi[j] - want[j]).abs() < 1e-10, "{row:?}: {phi:?} vs {want:?}");
            }
            let total: f64 = phi.iter().sum();
            assert!((total - t.predict(&row)).abs() < 1e-10, "additivity: {total} vs {}", t.predict(&row));
        }
    }
}
