/* attention-model-trust.h: which model paths run code when opened. A .pt
 * bundle is TorchScript, code that libtorch runs; a Hugging Face folder is
 * data that the shim's own BERT reads. GTK-free, so it tests without a
 * display. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* TRUE for a bundle file outside the app's own model folders (the bundled
 * models and $XDG_DATA_HOME/attention/models): opening it runs code from
 * somewhere else, and the window says so. FALSE for folders. */
gboolean attention_model_path_runs_foreign_code (const char *path);

/* The model a dropped or chosen file stands for: a Hugging Face folder when
 * file is one of the files inside it (config.json, vocab.txt,
 * model.safetensors, pytorch_model.bin, tokenizer_config.json beside a
 * model.safetensors or a pytorch_model.bin), else file itself. Returns a new reference. */
GFile *attention_model_file_for (GFile *file);

/* TRUE for a model shipped with the app (installed, or in the source tree
 * when running uninstalled): the demo model, which the window names as
 * such. */
gboolean attention_model_path_is_bundled (const char *path);

G_END_DECLS
