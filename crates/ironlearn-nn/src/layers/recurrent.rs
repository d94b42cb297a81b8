//! Recurrent layers, LSTM and GRU, over sequences `[positions, features]`,
//! with PyTorch's equations, gate order and weight names (`weight_ih_l0`
//! `(gates * units, features)`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`),
//! so a state dict carries over.
//!
//! The input projection of every position is one matrix product before the
//! loop; each step then adds the hidden state's product and applies a fused
//! cell: one custom op computes every gate and the new state in one pass,
//! and its backward pass recomputes the gates from its saved input rather
//! than keeping a dozen candle nodes per step alive.

use candle_core::{CpuStorage, CustomOp2, CustomOp3, Layout, Shape, Tensor, Var, WithDType};
use ironlearn_core::Result;
use num_traits::Float;
use rayon::prelude::*;

use super::activation::logistic as sigmoid;
use super::kernel::{on_cpu2, on_cpu3, Kernel2, Kernel3};
use super::{Builder, Layer, Mode, Param};
use crate::init::var_from;

/// Which recurrent cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// Input, forget, cell and output gates (4 blocks of units).
    Lstm,
    /// Reset, update and new gates (3 blocks of units).
    Gru,
}

impl Cell {
    fn gates(self) -> usize {
        match self {
            Cell::Lstm => 4,
            Cell::Gru => 3,
        }
    }
}

#[derive(Debug)]
pub struct Recurrent {
    pub cell: Cell,
    pub weight_ih: Var,
    pub weight_hh: Var,
    pub bias_ih: Var,
    pub bias_hh: Var,
    pub units: usize,
    /// The output at every position (`[positions, units]`), or only the last (`[units]`).
    pub return_sequences: bool,
}

impl Recurrent {
    /// Every weight uniform in ±1/sqrt(units), as PyTorch starts them.
    pub fn new(
        cell: Cell,
        features: usize,
        units: usize,
        return_sequences: bool,
        b: &mut Builder<'_>,
    ) -> Result<Recurrent> {
        let g = cell.gates() * units;
        let bound = 1.0 / (units as f64).sqrt();
        let mut draw = |shape: &[usize]| {
            let values = (0..shape.iter().product()).map(|_| (2.0 * b.rng.uniform() - 1.0) * bound).collect();
            var_from(values, shape, b.dtype, b.device)
        };
        Ok(Recurrent {
            cell,
            weight_ih: draw(&[g, features])?,
            weight_hh: draw(&[g, units])?,
            bias_ih: draw(&[g])?,
            bias_hh: draw(&[g])?,
            units,
            return_sequences,
        })
    }
}

impl Layer for Recurrent {
    fn forward(&self, x: &Tensor, mode: &mut Mode) -> candle_core::Result<Tensor> {
        let (n, s, f) = x.dims3()?;
        let [w_ih, w_hh, b_ih, b_hh] =
            [&self.weight_ih, &self.weight_hh, &self.bias_ih, &self.bias_hh].map(|v| mode.param(v));
        let (h_units, g) = (self.units, self.cell.gates() * self.units);
        let projected = x.reshape((n * s, f))?.matmul(&w_ih.t()?)?.broadcast_add(&b_ih)?;
        let projected = projected.reshape((n, s, g))?;
        let mut h = Tensor::zeros((n, h_units), x.dtype(), x.device())?;
        let mut c = h.clone();
        let mut outputs = Vec::with_capacity(if self.return_sequences { s } else { 1 });
        for t in 0..s {
            let xt = projected.narrow(1, t, 1)?.squeeze(1)?;
            let ht = h.matmul(&w_hh.t()?)?.broadcast_add(&b_hh)?;
            match self.cell {
                Cell::Lstm => {
                    let state = (xt + ht)?.contiguous()?.apply_op2(&c.contiguous()?, LstmCell)?;
                    h = state.narrow(1, 0, h_units)?;
                    c = state.narrow(1, h_units, h_units)?;
                }
                Cell::Gru => h = xt.contiguous()?.apply_op3(&ht.contiguous()?, &h.contiguous()?, GruCell)?,
            }
            if self.return_sequences {
                outputs.push(h.clone());
            }
        }
        if self.return_sequences {
            Tensor::stack(&outputs, 1)
        } else {
            Ok(h)
        }
    }

    fn params(&self) -> Vec<Param> {
        [("weight_ih_l0", &self.weight_ih, true), ("weight_hh_l0", &self.weight_hh, true)]
            .into_iter()
            .chain([("bias_ih_l0", &self.bias_ih, false), ("bias_hh_l0", &self.bias_hh, false)])
            .map(|(name, var, decay)| Param { name: name.into(), var: var.clone(), decay })
            .collect()
    }
}

/// Rows of `width` values from each input, zipped, in parallel.
fn rows<'a, T: Sync>(data: &'a [T], width: usize) -> rayon::slice::Chunks<'a, T> {
    data.par_chunks(width.max(1))
}

/// One LSTM step: gate pre-activations `(rows, 4 units)` (input and hidden
/// projections summed) and the cell state `(rows, units)` in; the new hidden
/// and cell states side by side, `(rows, 2 units)`, out.
struct LstmCell;

impl LstmCell {
    fn run<T: WithDType + Float>(gates: &[T], c: &[T], h: usize) -> Vec<T> {
        let mut out = vec![T::zero(); c.len() * 2];
        out.par_chunks_mut(2 * h).zip(rows(gates, 4 * h)).zip(rows(c, h)).for_each(|((dst, g), c)| {
            for j in 0..h {
                let (i, f) = (sigmoid(g[j]), sigmoid(g[h + j]));
                let (cand, o) = (g[2 * h + j].tanh(), sigmoid(g[3 * h + j]));
                let c_new = f * c[j] + i * cand;
                dst[j] = o * c_new.tanh();
                dst[h + j] = c_new;
            }
        });
        out
    }

    /// The gradients of the gates and the previous cell state, `(rows, 5 units)`.
    fn grad<T: WithDType + Float>(gates: &[T], c: &[T], grad: &[T], h: usize) -> Vec<T> {
        let mut out = vec![T::zero(); c.len() * 5];
        let it = out.par_chunks_mut(5 * h).zip(rows(gates, 4 * h)).zip(rows(c, h)).zip(rows(grad, 2 * h));
        it.for_each(|(((dst, g), c), d)| {
            let one = T::one();
            for j in 0..h {
                let (i, f) = (sigmoid(g[j]), sigmoid(g[h + j]));
                let (cand, o) = (g[2 * h + j].tanh(), sigmoid(g[3 * h + j]));
                let tc = (f * c[j] + i * cand).tanh();
                let (dh, dc) = (d[j], d[h + j]);
                let dc = dc + dh * o * (one - tc * tc);
                dst[j] = dc * cand * i * (one - i);
                dst[h + j] = dc * c[j] * f * (one - f);
                dst[2 * h + j] = dc * i * (one - cand * cand);
                dst[3 * h + j] = dh * tc * o * (one - o);
                dst[4 * h + j] = dc * f;
            }
        });
        out
    }
}

impl CustomOp2 for LstmCell {
    fn name(&self) -> &'static str {
        "lstm_cell"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let (n, h) = l2.shape().dims2()?;
        if l1.dims() != [n, 4 * h] {
            candle_core::bail!("lstm_cell: gates {:?} for a state of {:?}", l1.dims(), l2.dims());
        }
        let name = self.name();
        Ok((on_cpu2(self, name, (s1, l1), (s2, l2))?, Shape::from((n, 2 * h))))
    }

    fn bwd(
        &self,
        gates: &Tensor,
        c: &Tensor,
        _res: &Tensor,
        grad_res: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>)> {
        let h = c.dim(1)?;
        let both = gates.contiguous()?.apply_op3_no_bwd(&c.contiguous()?, &grad_res.contiguous()?, &LstmGrad)?;
        Ok((Some(both.narrow(1, 0, 4 * h)?), Some(both.narrow(1, 4 * h, h)?)))
    }
}

impl Kernel2 for LstmCell {
    fn apply<T: WithDType + Float>(&self, dims: &[usize], gates: &[T], c: &[T]) -> candle_core::Result<Vec<T>> {
        Ok(Self::run(gates, c, dims[1] / 4))
    }
}

/// [`LstmCell`]'s backward pass from its inputs and the output's gradient.
struct LstmGrad;

impl Kernel3 for LstmGrad {
    fn apply<T: WithDType + Float>(
        &self,
        dims: &[usize],
        gates: &[T],
        c: &[T],
        g: &[T],
    ) -> candle_core::Result<Vec<T>> {
        Ok(LstmCell::grad(gates, c, g, dims[1] / 4))
    }
}

impl CustomOp3 for LstmGrad {
    fn name(&self) -> &'static str {
        "lstm_cell_grad"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
        s3: &CpuStorage,
        l3: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let (n, h) = l2.shape().dims2()?;
        let name = self.name();
        Ok((on_cpu3(self, name, (s1, l1), (s2, l2), (s3, l3))?, Shape::from((n, 5 * h))))
    }
}

/// One GRU step: the input's projection `(rows, 3 units)`, the hidden state's
/// projection `(rows, 3 units)` (biases included, kept apart because the reset
/// gate scales only the hidden part of the new gate) and the hidden state in;
/// the new hidden state out.
struct GruCell;

impl GruCell {
    fn run<T: WithDType + Float>(xw: &[T], hw: &[T], hp: &[T], h: usize) -> Vec<T> {
        let mut out = vec![T::zero(); hp.len()];
        let it = out.par_chunks_mut(h).zip(rows(xw, 3 * h)).zip(rows(hw, 3 * h)).zip(rows(hp, h));
        it.for_each(|(((dst, x), hw), hp)| {
            for j in 0..h {
                let r = sigmoid(x[j] + hw[j]);
                let z = sigmoid(x[h + j] + hw[h + j]);
                let cand = (x[2 * h + j] + r * hw[2 * h + j]).tanh();
                dst[j] = (T::one() - z) * cand + z * hp[j];
            }
        });
        out
    }

    /// The gradients of the input projection, the hidden projection and the
    /// previous hidden state, `(rows, 7 units)`, from `packed` = both projections side by side.
    fn grad<T: WithDType + Float>(packed: &[T], hp: &[T], grad: &[T], h: usize) -> Vec<T> {
        let mut out = vec![T::zero(); hp.len() * 7];
        let it = out.par_chunks_mut(7 * h).zip(rows(packed, 6 * h)).zip(rows(hp, h)).zip(rows(grad, h));
        it.for_each(|(((dst, p), hp), d)| {
            let one = T::one();
            let (x, hw) = p.split_at(3 * h);
            for j in 0..h {
                let r = sigmoid(x[j] + hw[j]);
                let z = sigmoid(x[h + j] + hw[h + j]);
                let cand = (x[2 * h + j] + r * hw[2 * h + j]).tanh();
                let dpre_n = d[j] * (one - z) * (one - cand * cand);
                let dpre_z = d[j] * (hp[j] - cand) * z * (one - z);
                let dpre_r = dpre_n * hw[2 * h + j] * r * (one - r);
                dst[j] = dpre_r;
                dst[h + j] = dpre_z;
                dst[2 * h + j] = dpre_n;
                dst[3 * h + j] = dpre_r;
                dst[4 * h + j] = dpre_z;
                dst[5 * h + j] = dpre_n * r;
                dst[6 * h + j] = d[j] * z;
            }
        });
        out
    }
}

impl CustomOp3 for GruCell {
    fn name(&self) -> &'static str {
        "gru_cell"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
        s3: &CpuStorage,
        l3: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let (n, h) = l3.shape().dims2()?;
        if l1.dims() != [n, 3 * h] || l2.dims() != [n, 3 * h] {
            candle_core::bail!(
                "gru_cell: projections {:?} and {:?} for a state of {:?}",
                l1.dims(),
                l2.dims(),
                l3.dims()
            );
        }
        let name = self.name();
        Ok((on_cpu3(self, name, (s1, l1), (s2, l2), (s3, l3))?, Shape::from((n, h))))
    }

    fn bwd(
        &self,
        xw: &Tensor,
        hw: &Tensor,
        hp: &Tensor,
        _res: &Tensor,
        grad_res: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let h = hp.dim(1)?;
        let packed = Tensor::cat(&[xw, hw], 1)?;
        let all = packed.apply_op3_no_bwd(&hp.contiguous()?, &grad_res.contiguous()?, &GruGrad)?;
        Ok((Some(all.narrow(1, 0, 3 * h)?), Some(all.narrow(1, 3 * h, 3 * h)?), Some(all.narrow(1, 6 * h, h)?)))
    }
}

impl Kernel3 for GruCell {
    fn apply<T: WithDType + Float>(&self, dims: &[usize], xw: &[T], hw: &[T], hp: &[T]) -> candle_core::Result<Vec<T>> {
        Ok(Self::run(xw, hw, hp, dims[1] / 3))
    }
}

/// [`GruCell`]'s backward pass.
struct GruGrad;

impl Kernel3 for GruGrad {
    fn apply<T: WithDType + Float>(&self, dims: &[usize], p: &[T], hp: &[T], g: &[T]) -> candle_core::Result<Vec<T>> {
        Ok(GruCell::grad(p, hp, g, dims[1] / 6))
    }
}

impl CustomOp3 for GruGrad {
    fn name(&self) -> &'static str {
        "gru_cell_grad"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
        s3: &CpuStorage,
        l3: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let (n, h) = l2.shape().dims2()?;
        let name = self.name();
        Ok((on_cpu3(self, name, (s1, l1), (s2, l2), (s3, l3))?, Shape::from((n, 7 * h))))
    }
}
