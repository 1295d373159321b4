"""tpuc_qat: export torch.ao FX QAT models for tpuc (docs/qat.md)."""

from .export import (QatExport, export_qat, fold_qat_model, observer_range,
                     qat_qconfig_mapping, read_table_rows, save_qat_model,
                     top_convolutions, write_table)

__all__ = ["QatExport", "export_qat", "fold_qat_model", "observer_range",
           "qat_qconfig_mapping", "read_table_rows", "save_qat_model",
           "top_convolutions", "write_table"]
