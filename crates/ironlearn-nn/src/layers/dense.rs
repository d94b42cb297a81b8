//! A fully connected layer, stored as PyTorch stores it: weight
//! `(out, in)`, so saved weights compare with a PyTorch state dict directly.

use candle_core::{Tensor, Var};
use ironlearn_core::Result;

use super::{activate, Builder, Layer, Mode, Param};
use crate::init::{dense_values, var_from};
use crate::spec::{Activation, Init};

#[derive(Debug)]
pub struct Dense {
    pub weight: Var,
    pub bias: Option<Var>,
    pub activation: Activation,
}

impl Dense {
    pub fn new(
        fan_in: usize,
        units: usize,
        activation: Activation,
        bias: bool,
        init: Init,
        b: &mut Builder<'_>,
    ) -> Result<Dense> {
        let (w, bv) = dense_values(init, fan_in, units, b.rng);
        Ok(Dense {
            weight: var_from(w, &[units, fan_in], b.dtype, b.device)?,
            bias: if bias { Some(var_from(bv, &[units], b.dtype, b.device)?) } else { None },
            activation,
        })
    }
}

impl Layer for Dense {
    fn forward(&self, x: &Tensor, _mode: &mut Mode) -> candle_core::Result<Tensor> {
        let dims = x.dims().to_vec();
        let fan_in = *dims.last().expect("a layer's input has a feature axis");
        let flat = if dims.len() == 2 { x.clone() } else { x.reshape(((), fan_in))? };
        let mut y = flat.matmul(&self.weight.t()?)?;
        if let Some(b) = &self.bias {
            y = y.broadcast_add(b)?;
        }
        if dims.len() != 2 {
            let mut out = dims;
            *out.last_mut().expect("checked") = self.weight.dim(0)?;
            y = y.reshape(out)?;
        }
        activate(&y, self.activation)
    }

    fn params(&self) -> Vec<Param> {
        let mut p = vec![Param { name: "weight".into(), var: self.weight.clone(), decay: true }];
        if let Some(b) = &self.bias {
            p.push(Param { name: "bias".into(), var: b.clone(), decay: false });
        }
        p
    }
}
