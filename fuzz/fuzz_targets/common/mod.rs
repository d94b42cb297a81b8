//! What the model targets share.

use ironlearn_core::arrays::{ArrayData, NamedArray};
use ironlearn_core::{Arrays, Header, ModelFile};
use safetensors::SafeTensors;

/// The header and arrays `data` holds, whatever its checksum says.
pub fn resigned(data: &[u8]) -> Option<ModelFile> {
    let tensors = SafeTensors::deserialize(data).ok()?;
    let (_, metadata) = SafeTensors::read_metadata(data).ok()?;
    let text = metadata.metadata().as_ref()?.get("ironlearn")?;
    let mut header: Header = serde_json::from_str(text).ok()?;
    header.checksum = None;
    let mut arrays = Arrays::new();
    for (name, view) in tensors.iter() {
        let data = ArrayData::from_le_bytes(&format!("{:?}", view.dtype()), view.data())?;
        arrays.insert_raw(name.to_string(), NamedArray { shape: view.shape().to_vec(), data });
    }
    Some(ModelFile { header, arrays })
}
