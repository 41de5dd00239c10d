# Texts of the built-in lesson (English). Every { $name } is filled from the network the
# app is running at that step; see docs/lessons.md for the names. A step's prose (message ID)
# stays under 320 characters: its numbers go into the evidence table (ID-evidence).
lesson-title = Pooling and fully-connected layers

meet-title = A trained network reads a digit
meet =
    This is digits-max, a small CNN trained on { $train-size } handwritten digits. It reads this picture as { $prediction } ({ $confidence }% confident).
    PageDown goes on, Space reveals an answer, and "Reset step" puts a step back after you change it.
meet-evidence =
    | | digits-max |
    | parameters | { $params } |
    | test accuracy | { $test-accuracy }% |

convolve-title = Convolution: one kernel, slid everywhere
convolve-question = How many numbers does conv1 make from this { $input-shape } picture?
convolve =
    conv1 slides each of its kernels over the picture and computes a dot product (plus a bias) at every position. Hover a cell of the output maps, or step with I, J, K, L: the panel shows the patch, the kernel, their products and the sum.
convolve-evidence =
    | | conv1 |
    | kernels | { $conv1-channels } × { $conv1-kernel } |
    | output | { $conv1-shape } |
    | numbers | { $conv1-values } |
convolve-verdict = One map per kernel, each as large as the picture (its border padded with zeros): { $conv1-values } numbers from { $input-values }.

downsample-title = Pooling shrinks every map
downsample-question = How many of relu1's values does pool1 keep, and what does that do to the dense layer fc?
downsample =
    pool1 keeps one value per { $pool1-kernel } window of each map. The dense layer fc has a weight for every value that reaches it. digits-nopool is this network without pooling; digits-gap ends in global average pooling, with no dense layer.
downsample-evidence =
    | | parameters | in fc | accuracy % |
    | max | { $params } | { $fc-params } | { $test-accuracy } |
    | no pool | { $digits-nopool-params } | { $digits-nopool-fc-params } | { $digits-nopool-test-accuracy } |
    | GAP | { $digits-gap-params } | — | { $digits-gap-test-accuracy } |
downsample-verdict = pool1 keeps { $pool1-values } of { $relu1-values } values, so the dense layer after it needs far fewer weights. The accuracies are on the same { $test-size } test digits.

max-keeps-title = Max pooling keeps the strongest response
max-keeps-question = After max pooling, does the largest value go up, go down or stay the same?
max-keeps-choice-up = up
max-keeps-choice-down = down
max-keeps-choice-same = the same
max-keeps =
    Each cell of pool1 is the largest value of its window in relu1. Hover a pooled cell to see its window.
max-keeps-evidence =
    | | relu1 | pool1 |
    | largest | { $relu1-max } | { $pool1-max } |
    | mean | { $relu1-mean } | { $pool1-mean } |
    | values | { $relu1-values } | { $pool1-values } |
max-keeps-verdict = The peak survives exactly. What max pooling discards is the other three values in four, so the mean rises: a window's largest value is never below its mean.

avg-smooths-title = Average pooling keeps the mean
avg-smooths-question = Switched to average pooling on these same weights, does the largest value go up, go down or stay the same?
avg-smooths-choice-up = up
avg-smooths-choice-down = down
avg-smooths-choice-same = the same
avg-smooths =
    Average pooling writes the mean of each window instead of its largest value. The reveal switches pool1 to average (M switches back and forth). These weights were trained with max pooling.
avg-smooths-evidence =
    | | relu1 | pool1 |
    | largest | { $relu1-max } | { $pool1-max } |
    | mean | { $relu1-mean } | { $pool1-mean } |
avg-smooths-verdict = The peak drops: averaging dilutes a strong response, and a lone spike becomes a quarter of itself. The mean is unchanged by construction: the windows do not overlap and cover every value once.

avg-twin-title = A network trained with average pooling
avg-twin-question = Trained with average pooling from the start, is digits-avg more or less accurate than digits-max?
avg-twin =
    digits-avg is the same network, with the same seed and training settings, trained with average pooling. Both are measured on the same { $test-size } test digits.
avg-twin-evidence =
    | | test accuracy % |
    | avg | { $test-accuracy } ± { $test-accuracy-margin } |
    | max | { $digits-max-test-accuracy } ± { $digits-max-test-accuracy-margin } |
avg-twin-verdict = ± is a 95% confidence interval: where two intervals overlap, this test set cannot tell the networks apart.

noise-title = Does average pooling smooth noise away?
noise-question = Salt-and-pepper noise on the 7: which twin keeps pool1 closer to what it computes without the noise?
noise-choice-max = digits-max
noise-choice-avg = digits-avg
noise =
    A share of { $noise-level } of the pixels is set to black or white (seed { $noise-seed }). Both twins read the same noisy picture; each stage is compared with itself on the clean picture (cosine similarity).
noise-evidence =
    | similarity % | max | avg |
    | input | { $noise-input-similarity } | { $digits-avg-noise-input-similarity } |
    | pool1 | { $noise-pool1-similarity } | { $digits-avg-noise-pool1-similarity } |
    | pool2 | { $noise-pool2-similarity } | { $digits-avg-noise-pool2-similarity } |
    | fc | { $noise-fc-similarity } | { $digits-avg-noise-fc-similarity } |
    | reads | { $prediction } | { $digits-avg-prediction } |
noise-verdict = From pool1 on, the averaging twin stays closer to its clean run on this picture. One picture is one draw, and the twins differ in their weights as well as their pooling.

images-speech-title = Max for images, average for speech?
images-speech-question = Do our image models favour max pooling?
images-speech =
    The claim is that max pooling suits images and average pooling suits speech. Here are our image models, each measured on its own test set.
images-speech-evidence =
    | test accuracy % | max | avg |
    | digits | { $test-accuracy } ± { $test-accuracy-margin } | { $digits-avg-test-accuracy } ± { $digits-avg-test-accuracy-margin } |
    | shapes | { $shapes-max-test-accuracy } ± { $shapes-max-test-accuracy-margin } | { $shapes-avg-test-accuracy } ± { $shapes-avg-test-accuracy-margin } |
images-speech-verdict = Where the 95% intervals overlap, the data cannot tell max from average; where they do not, they favour one. The speech half of the claim needs speech models.

shift-title = Pooling tolerates small shifts; it is not invariance
shift-question = Moving the 3 sideways one pixel at a time: does the network keep its answer for every shift?
shift-choice-yes = yes
shift-choice-no = no
shift =
    The translation lab moves the 3 sideways and compares every stage with the unshifted one (cosine similarity at the same positions). The chart shows each stage's similarity and the answer's probability against the shift.
shift-evidence =
    | % over { $sweep-shifts } shifts | max | avg | max-shift |
    | pool2 similar | { $sweep-max-pool2-mean } | { $sweep-avg-pool2-mean } | { $digits-max-shift-sweep-pool2-mean } |
    | fc similar | { $sweep-max-fc-mean } | { $sweep-avg-fc-mean } | { $digits-max-shift-sweep-fc-mean } |
    | answer changed | { $sweep-max-changed } | { $sweep-avg-changed } | { $digits-max-shift-sweep-changed } |
shift-verdict = Later stages change less than the input, but not zero: tolerance, not invariance. digits-max-shift, trained on shifted digits, changes its answer less often with the same pooling: much of the tolerance comes from the data.

flatten-title = Flatten: every output is connected to every input
flatten-question = How many of fc's inputs does each of its outputs add up?
flatten =
    flatten lines the { $pool2-shape } maps up into one vector. Each output of fc is a weighted sum of its inputs plus a bias. The panel lists an output's largest contributions; softmax then turns the scores into probabilities.
flatten-evidence =
    | | fc |
    | inputs | { $flatten-values } |
    | outputs | { $fc-values } |
    | parameters | { $fc-params } |
flatten-verdict = All of them: { $flatten-values } weights per output, and a bias, for each of the { $fc-values } outputs.

fc-params-title = Fully-connected layers hold most of the parameters
fc-params-question = In fc-overfit, which layer holds most of the parameters?
fc-params-choice-conv1 = conv1
fc-params-choice-fc1 = fc1
fc-params-choice-fc2 = fc2
fc-params =
    fc-overfit has one convolution and a hidden dense layer fc1 of { $fc1-values } units. Beside, each unit's weights are laid back over the maps they read: one image per input channel.
fc-params-evidence =
    | | parameters | share % |
    | conv1 | { $conv1-params } | { $conv1-params-share } |
    | fc1 | { $fc1-params } | { $fc1-params-share } |
    | fc2 | { $fc2-params } | { $fc2-params-share } |
fc-params-verdict = The dense layer fc1 alone holds { $fc1-params-share }% of the network's { $params } parameters.

overfit-title = So they over-fit
overfit-question = Trained on only { $train-size } digits, does test accuracy follow training accuracy up to the top?
overfit-choice-yes = yes
overfit-choice-no = no
overfit =
    fc-overfit was trained on { $train-size } digits. The learning curves show its accuracy on those training digits and on unseen test digits, epoch by epoch.
overfit-evidence =
    | | accuracy % |
    | training | { $train-accuracy } |
    | test | { $test-accuracy } |
    | gap | { $accuracy-gap } |
overfit-verdict = Training accuracy reaches the top while test accuracy stalls: the network learned its { $train-size } digits rather than digits. So few training digits can explain the gap by themselves.

dropout-title = Dropout and weight decay against over-fitting
dropout-question = Does dropout, or weight decay, make the network more accurate on unseen digits?
dropout =
    fc-dropout is fc-overfit with dropout after fc1: while training, each unit is dropped (set to zero, crossed out here) with probability { $dropout-rate }. fc-l2 is fc-overfit trained with weight decay { $fc-l2-weight-decay }.
dropout-evidence =
    | | test accuracy % | gap |
    | fc-overfit | { $fc-overfit-test-accuracy } ± { $fc-overfit-test-accuracy-margin } | { $fc-overfit-accuracy-gap } |
    | fc-dropout | { $test-accuracy } ± { $test-accuracy-margin } | { $accuracy-gap } |
    | fc-l2 | { $fc-l2-test-accuracy } ± { $fc-l2-test-accuracy-margin } | { $fc-l2-accuracy-gap } |
dropout-verdict = The intervals overlap: this test set cannot tell the three apart. The learning curves show what dropout changed while training.
