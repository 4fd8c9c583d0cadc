/* test-head-mask.c: --ablate's "L:H[,L:H…]" into a head mask (1 keep, 0
 * off) and back, against masks written out by hand; the bad input the CLI
 * must refuse. */

#include "attention-head-mask.h"
#include "attention-model.h"

static void
test_parse (void)
{
  g_autoptr (GError) error = NULL;
  /* 3 layers × 4 heads: 1:2, the whole of layer 3, 2:4. */
  const float want[12] = { 1, 0, 1, 1, /* layer 1 */
                           1, 1, 1, 0, /* layer 2 */
                           0, 0, 0, 0 /* layer 3 */ };
  g_autofree float *mask = attention_head_mask_parse ("1:2, 3:*,2:4", 3, 4, &error);
  g_autofree char *back = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (mask);
  for (guint i = 0; i < 12; i++)
    g_assert_cmpfloat (mask[i], ==, want[i]);
  g_assert_cmpuint (attention_head_mask_count_off (mask, 3, 4), ==, 6);
  back = attention_head_mask_format (mask, 3, 4);
  g_assert_cmpstr (back, ==, "1:2,2:4,3:1,3:2,3:3,3:4");
  g_assert_cmpuint (attention_head_mask_count_off (NULL, 3, 4), ==, 0);
}

static void
test_bad (void)
{
  /* Each refused with a message naming the item. */
  const char *bad[][2] = {
    { "0:1", "“0:1”: the layer must be a number from 1 to 12." },
    { "13:1", "“13:1”: the layer must be a number from 1 to 12." },
    { "1:x", "“1:x”: the head must be a number from 1 to 12, or *." },
    { "1:0", "“1:0”: the head must be a number from 1 to 12, or *." },
    { "1:13", "“1:13”: the head must be a number from 1 to 12, or *." },
    { "1:-1", "“1:-1”: the head must be a number from 1 to 12, or *." },
    { "2:3,2:3", "Head 2:3 is named twice in --ablate." },
    { "2:*,2:5", "Head 2:5 is named twice in --ablate." },
    { "7", "“7” is not LAYER:HEAD (for example 3:7, or 3:* for a whole layer)." },
    { "", "--ablate needs at least one LAYER:HEAD." },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree float *mask = attention_head_mask_parse (bad[i][0], 12, 12, &error);

      g_assert_null (mask);
      g_assert_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_INPUT);
      g_assert_cmpstr (error->message, ==, bad[i][1]);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/head-mask/parse", test_parse);
  g_test_add_func ("/head-mask/bad", test_bad);
  return g_test_run ();
}
