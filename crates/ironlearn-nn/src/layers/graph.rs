//! A graph of layers, Keras' functional API as data: nodes that merge
//! earlier nodes' outputs (add, multiply, concat) and apply their own
//! layers, so skip connections, branches and U-Net-style joins fit in one
//! spec. The graph is one layer, so it nests in a sequential spec and the
//! rest of the network (state, training, saving) needs nothing new.

use candle_core::{Tensor, Var};
use ironlearn_core::Result;

use super::residual::nested;
use super::{Builder, Layer, Mode, Param};
use crate::spec::{wire, GraphNode, Merge};

#[derive(Debug)]
struct Node {
    name: String,
    /// Indices into the values: 0 the graph's input, `i + 1` node `i`.
    inputs: Vec<usize>,
    merge: Option<Merge>,
    layers: Vec<Box<dyn Layer>>,
}

#[derive(Debug)]
pub struct Graph {
    nodes: Vec<Node>,
    output: usize,
}

impl Graph {
    pub fn new(specs: &[GraphNode], output: Option<&str>, input: &[usize], b: &mut Builder<'_>) -> Result<Graph> {
        let wiring = wire(specs, output, input, "graph")?;
        let mut nodes = Vec::with_capacity(specs.len());
        for ((spec, inputs), (shape, _)) in specs.iter().zip(wiring.inputs).zip(&wiring.shapes) {
            let mut shape = shape.clone();
            let mut layers = Vec::with_capacity(spec.layers.len());
            for (i, l) in spec.layers.iter().enumerate() {
                layers.push(l.build(&shape, b)?);
                shape = l.output_shape(&shape, &i.to_string())?;
            }
            nodes.push(Node { name: spec.name.clone(), inputs, merge: spec.merge, layers });
        }
        Ok(Graph { nodes, output: wiring.output })
    }

    /// Every node's items, named `node.layer.item`.
    fn items<T>(&self, items: impl Fn(&dyn Layer) -> Vec<T>, rename: impl Fn(&mut T, &str)) -> Vec<T> {
        let mut out = Vec::new();
        for node in &self.nodes {
            let mut inner = nested(&node.layers, &items, |item: &mut T, i| rename(item, &i.to_string()));
            inner.iter_mut().for_each(|item| rename(item, &node.name));
            out.extend(inner);
        }
        out
    }
}

impl Layer for Graph {
    fn forward(&self, x: &Tensor, mode: &mut Mode) -> candle_core::Result<Tensor> {
        let mut values = vec![x.clone()];
        for node in &self.nodes {
            let inputs: Vec<&Tensor> = node.inputs.iter().map(|&i| &values[i]).collect();
            let mut h = match (node.merge, inputs.as_slice()) {
                (_, [one]) => (*one).clone(),
                (Some(Merge::Concat), all) => Tensor::cat(all, 1)?,
                (Some(m), [first, rest @ ..]) => {
                    let mut acc = (*first).clone();
                    for t in rest {
                        acc = if m == Merge::Add { (acc + *t)? } else { (acc * *t)? };
                    }
                    acc
                }
                _ => candle_core::bail!("graph node '{}': its inputs were checked to merge", node.name),
            };
            for l in &node.layers {
                h = l.forward(&h, mode)?;
            }
            values.push(h);
        }
        Ok(values.swap_remove(self.output))
    }

    fn params(&self) -> Vec<Param> {
        self.items(|l| l.params(), |p: &mut Param, prefix| p.name = format!("{prefix}.{}", p.name))
    }

    fn buffers(&self) -> Vec<(String, Var)> {
        self.items(|l| l.buffers(), |b: &mut (String, Var), prefix| b.0 = format!("{prefix}.{}", b.0))
    }
}
