/* fuzz-model-info.c: libFuzzer target for the bundle's config.json reader
 * (attention_model_info_new_from_json). A config that parses must hold a
 * shape the rest of the app can trust (positive sizes, heads dividing the
 * hidden size, special ids inside the vocabulary, strings set) and describe
 * itself; a refusal must be a config error with a message. */

#include <stdint.h>
#include <stdlib.h>

#include "attention-model.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* attention-model.c (which needs libtorch) owns the error quark: the same
 * definition here keeps this target free of the shim. */
GQuark
attention_model_error_quark (void)
{
  return g_quark_from_static_string ("attention-model-error-quark");
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AttentionModelInfo) info = NULL;
  g_autofree char *size_text = NULL;

  info = attention_model_info_new_from_json ((const char *)data, (gssize)size, &error);
  if (info == NULL)
    {
      if (error == NULL ||
          !g_error_matches (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG) ||
          !g_utf8_validate (error->message, -1, NULL))
        abort ();
      return 0;
    }
  if (info->n_layers == 0 || info->n_heads == 0 || info->hidden_size == 0 ||
      info->max_positions == 0 || info->vocab_size == 0 || info->hidden_size % info->n_heads != 0 ||
      info->name == NULL || info->description == NULL || info->source == NULL ||
      info->hidden_act == NULL)
    abort ();
  if (info->pad_id < 0 || info->unk_id < 0 || info->cls_id < 0 || info->sep_id < 0 ||
      info->mask_id < 0 || info->pad_id >= info->vocab_size || info->unk_id >= info->vocab_size ||
      info->cls_id >= info->vocab_size || info->sep_id >= info->vocab_size ||
      info->mask_id >= info->vocab_size)
    abort ();
  size_text = attention_model_info_describe_size (info);
  if (size_text == NULL || !g_utf8_validate (size_text, -1, NULL))
    abort ();
  return 0;
}
