//! A residual block, `x + f(x)`: the inner layers are a small sequential
//! network whose output has the input's shape (checked in the spec).

use candle_core::{Tensor, Var};
use ironlearn_core::Result;

use super::{Builder, Layer, Mode, Param};
use crate::spec::LayerSpec;

#[derive(Debug)]
pub struct Residual {
    pub layers: Vec<Box<dyn Layer>>,
}

impl Residual {
    pub fn new(specs: &[LayerSpec], input: &[usize], b: &mut Builder<'_>) -> Result<Residual> {
        let mut shape = input.to_vec();
        let mut layers = Vec::with_capacity(specs.len());
        for (i, s) in specs.iter().enumerate() {
            layers.push(s.build(&shape, b)?);
            shape = s.output_shape(&shape, &i.to_string())?;
        }
        Ok(Residual { layers })
    }
}

impl Layer for Residual {
    fn forward(&self, x: &Tensor, mode: &mut Mode) -> candle_core::Result<Tensor> {
        let mut h = x.clone();
        for l in &self.layers {
            h = l.forward(&h, mode)?;
        }
        x + h
    }

    fn params(&self) -> Vec<Param> {
        nested(&self.layers, |l| l.params(), |p: &mut Param, prefix| p.name = format!("{prefix}.{}", p.name))
    }

    fn buffers(&self) -> Vec<(String, Var)> {
        nested(&self.layers, |l| l.buffers(), |b: &mut (String, Var), prefix| b.0 = format!("{prefix}.{}", b.0))
    }
}

/// The items of each layer, their names prefixed with the layer's index.
pub(crate) fn nested<T>(
    layers: &[Box<dyn Layer>],
    items: impl Fn(&dyn Layer) -> Vec<T>,
    rename: impl Fn(&mut T, usize),
) -> Vec<T> {
    let mut out = Vec::new();
    for (i, l) in layers.iter().enumerate() {
        for mut item in items(l.as_ref()) {
            rename(&mut item, i);
            out.push(item);
        }
    }
    out
}
