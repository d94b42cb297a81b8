//! A built network: the spec's layers with their tensors, and its state as
//! named arrays for the model file.
//!
//! Parameters are named as PyTorch names a `Sequential`'s (`0.weight`,
//! `2.1.bias`), so saved weights line up with a PyTorch state dict.

use candle_core::{DType, Device, Tensor, Var};
use ironlearn_core::{bail, Result, Rng};
use serde::{Deserialize, Serialize};

use crate::convert::CandleResult;
pub use crate::layers::Mode;
use crate::layers::{residual::nested, Builder, Layer, Param};
use crate::spec::NetworkSpec;

/// A tensor's values, kept in the precision it was trained in so a reload gives identical outputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Values {
    F32(Vec<f32>),
    F64(Vec<f64>),
}

/// One saved tensor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedTensor {
    pub name: String,
    pub shape: Vec<usize>,
    pub values: Values,
}

impl NamedTensor {
    fn of(name: &str, t: &Tensor) -> Result<NamedTensor> {
        let flat = t.flatten_all().nn()?;
        let values = match t.dtype() {
            DType::F32 => Values::F32(flat.to_vec1::<f32>().nn()?),
            _ => Values::F64(flat.to_dtype(DType::F64).nn()?.to_vec1::<f64>().nn()?),
        };
        Ok(NamedTensor { name: name.to_string(), shape: t.dims().to_vec(), values })
    }

    fn tensor(&self, device: &Device) -> Result<Tensor> {
        match &self.values {
            Values::F32(v) => Tensor::from_slice(v, self.shape.as_slice(), device).nn(),
            Values::F64(v) => Tensor::from_slice(v, self.shape.as_slice(), device).nn(),
        }
    }
}

/// A network built from a [`NetworkSpec`] for samples of a given shape.
#[derive(Debug)]
pub struct Network {
    spec: NetworkSpec,
    input: Vec<usize>,
    output: Vec<usize>,
    layers: Vec<Box<dyn Layer>>,
    dtype: DType,
    device: Device,
}

impl Network {
    /// Builds `spec` for samples of shape `input`, its weights drawn from `seed`.
    pub fn build(spec: &NetworkSpec, input: &[usize], dtype: DType, device: &Device, seed: u64) -> Result<Network> {
        if !matches!(dtype, DType::F32 | DType::F64) {
            bail!(InvalidValue, "networks train in float32 or float64, not {dtype:?}");
        }
        let output = spec.output_shape(input)?;
        let mut rng = Rng::new(seed);
        let mut b = Builder { dtype, device, rng: &mut rng };
        let mut shape = input.to_vec();
        let mut layers = Vec::with_capacity(spec.layers.len());
        for (i, s) in spec.layers.iter().enumerate() {
            layers.push(s.build(&shape, &mut b)?);
            shape = s.output_shape(&shape, &i.to_string())?;
        }
        Ok(Network { spec: spec.clone(), input: input.to_vec(), output, layers, dtype, device: device.clone() })
    }

    pub fn spec(&self) -> &NetworkSpec {
        &self.spec
    }

    /// The per-sample input shape.
    pub fn input_shape(&self) -> &[usize] {
        &self.input
    }

    /// The per-sample output shape.
    pub fn output_shape(&self) -> &[usize] {
        &self.output
    }

    pub fn dtype(&self) -> DType {
        self.dtype
    }

    pub fn device(&self) -> &Device {
        &self.device
    }

    /// The outputs for a batch `x` of shape `(rows, input...)`.
    pub fn forward(&self, x: &Tensor, mode: &mut Mode) -> candle_core::Result<Tensor> {
        mode.key_padding = None;
        let mut h = x.clone();
        for l in &self.layers {
            h = l.forward(&h, mode)?;
        }
        Ok(h)
    }

    /// The trainable parameters, in order.
    pub fn params(&self) -> Vec<Param> {
        nested(&self.layers, |l| l.params(), |p: &mut Param, i| p.name = format!("{i}.{}", p.name))
    }

    /// Parameters and buffers (running statistics), as saved.
    fn tensors(&self) -> Vec<(String, Var)> {
        let mut all: Vec<(String, Var)> = self.params().into_iter().map(|p| (p.name, p.var)).collect();
        all.extend(nested(&self.layers, |l| l.buffers(), |b: &mut (String, Var), i| b.0 = format!("{i}.{}", b.0)));
        all
    }

    /// The weights and running statistics as named arrays.
    pub fn state(&self) -> Result<Vec<NamedTensor>> {
        self.tensors().iter().map(|(name, v)| NamedTensor::of(name, v.as_tensor())).collect()
    }

    /// Loads weights saved by [`Network::state`] from a network of the same spec.
    pub fn load_state(&self, state: &[NamedTensor]) -> Result<()> {
        let mine = self.tensors();
        if mine.len() != state.len() {
            bail!(ModelFile, "the network has {} tensors, the saved state {}", mine.len(), state.len());
        }
        for ((name, var), saved) in mine.iter().zip(state) {
            if *name != saved.name || var.dims() != saved.shape.as_slice() {
                bail!(
                    ModelFile,
                    "saved tensor '{}' {:?} does not match the network's '{name}' {:?}",
                    saved.name,
                    saved.shape,
                    var.dims()
                );
            }
            let expected = saved.shape.iter().product::<usize>();
            let got = match &saved.values {
                Values::F32(v) => v.len(),
                Values::F64(v) => v.len(),
            };
            if got != expected {
                bail!(ModelFile, "saved tensor '{name}' has {got} values for shape {:?}", saved.shape);
            }
            var.set(&saved.tensor(&self.device)?.to_dtype(self.dtype).nn()?).nn()?;
        }
        Ok(())
    }
}
