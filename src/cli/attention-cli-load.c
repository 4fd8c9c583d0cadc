/* attention-cli-load.c: the model and the tokenizer the subcommands run */

#include "attention-cli-private.h"

BertTokenizer *
attention_cli_load_tokenizer (const AttentionCliOptions *options, GError **error)
{
  g_autoptr (AttentionModel) model = NULL;

  if (options->vocab_path != NULL)
    {
      g_autoptr (BertVocab) vocab = bert_vocab_new_from_file (options->vocab_path, error);

      if (vocab == NULL)
        return NULL;
      return bert_tokenizer_new (vocab, !options->cased);
    }

  model = attention_cli_load_model (options, error);
  if (model == NULL)
    return NULL;
  return bert_tokenizer_ref (attention_model_get_tokenizer (model));
}

AttentionModel *
attention_cli_load_model (const AttentionCliOptions *options, GError **error)
{
  g_autofree char *path = NULL;
  AttentionModel *model;

  path = options->model_path != NULL ? g_strdup (options->model_path)
                                     : attention_model_default_path ();
  /* One run and out: no probe forward at load (the first run is the probe). */
  model = attention_model_new_from_file_full (path, ATTENTION_MODEL_LOAD_ONE_SHOT, error);
  /* The file may come from $ATTENTION_MODEL or the default: name it. */
  if (model == NULL)
    g_prefix_error (error, "%s: ", path);
  return model;
}
