//! Batches for training: a seeded order per epoch, rows gathered into
//! batch tensors on a background thread while the previous batch trains.

use std::sync::mpsc::sync_channel;

use candle_core::{Device, Tensor};
use ironlearn_core::{Result, Rng};

use crate::convert::CandleResult;

/// Inputs, targets and optional row weights, each with rows on axis 0.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub x: Tensor,
    /// Class indices (u32, `(rows,)`) or values (`(rows, outputs)`).
    pub y: Tensor,
    pub w: Option<Tensor>,
}

impl Dataset {
    pub fn rows(&self) -> usize {
        self.x.dims()[0]
    }

    /// The rows `idx`, in that order.
    pub fn select(&self, idx: &Tensor) -> candle_core::Result<Dataset> {
        Ok(Dataset {
            x: self.x.index_select(idx, 0)?,
            y: self.y.index_select(idx, 0)?,
            w: self.w.as_ref().map(|w| w.index_select(idx, 0)).transpose()?,
        })
    }
}

/// The row order of one epoch: shuffled from `rng`, or as given.
pub fn epoch_order(n: usize, shuffle: bool, rng: &mut Rng) -> Vec<u32> {
    let mut order: Vec<u32> = (0..n as u32).collect();
    if shuffle {
        rng.shuffle(&mut order);
    }
    order
}

/// Calls `f` on each batch of `data` in `order`, `batch` rows at a time
/// (the last batch may be smaller). The next batch is gathered on another
/// thread while `f` runs.
pub fn for_each_batch(
    data: &Dataset,
    order: &[u32],
    batch: usize,
    mut f: impl FnMut(Dataset) -> Result<()>,
) -> Result<()> {
    let device: Device = data.x.device().clone();
    let gather = |chunk: &[u32]| -> Result<Dataset> {
        let idx = Tensor::from_slice(chunk, chunk.len(), &device).nn()?;
        data.select(&idx).nn()
    };
    if order.len() <= batch {
        return f(gather(order)?);
    }
    std::thread::scope(|s| {
        let (tx, rx) = sync_channel::<Result<Dataset>>(1);
        s.spawn(move || {
            for chunk in order.chunks(batch) {
                if tx.send(gather(chunk)).is_err() {
                    break; // the consumer stopped
                }
            }
        });
        for b in rx {
            f(b?)?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_cover_the_epoch_in_order() {
        let x = Tensor::arange(0f32, 10.0, &Device::Cpu).unwrap().reshape((10, 1)).unwrap();
        let y = Tensor::arange(0u32, 10, &Device::Cpu).unwrap();
        let data = Dataset { x, y, w: None };
        let order = epoch_order(10, true, &mut Rng::new(4));
        assert_eq!(order, epoch_order(10, true, &mut Rng::new(4)));
        let mut seen = Vec::new();
        let mut sizes = Vec::new();
        for_each_batch(&data, &order, 4, |b| {
            sizes.push(b.rows());
            seen.extend(b.y.to_vec1::<u32>().unwrap());
            Ok(())
        })
        .unwrap();
        assert_eq!(sizes, [4, 4, 2]);
        assert_eq!(seen, order);
    }
}
