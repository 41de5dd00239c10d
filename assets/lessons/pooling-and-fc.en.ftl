# Texts of the built-in lesson (English). Every { $name } is filled from the network the
# app is running at that step; see docs/lessons.md for the names.
lesson-title = Pooling and fully-connected layers

meet-title = A trained network reads a digit
meet =
    This is digits-max, a small CNN trained on { $train-size } handwritten digits. It has { $params } weights and reads this picture as { $prediction } with { $confidence }% confidence. On { $test-accuracy }% of the test digits it never saw, it is right.
    Press PageDown for the next step; change anything you like, and "Reset step" puts it back.

convolve-title = Convolution: one kernel, slid everywhere
convolve =
    conv1 slides { $conv1-channels } kernels of { $conv1-kernel } over the { $input-shape } picture and makes { $conv1-values } values ({ $conv1-shape }): one map per kernel. Hover a cell, or step with I, J, K, L: the panel shows the patch, the kernel, their products and the sum the engine computed.

downsample-title = Pooling shrinks every map
downsample =
    pool1 keeps one value per { $pool1-kernel } window: { $relu1-values } values ({ $relu1-shape }) become { $pool1-values } ({ $pool1-shape }).
    Smaller maps mean fewer weights later. The dense layer fc here has { $fc-params } weights. The same network without pooling (digits-nopool) needs { $digits-nopool-fc-params } there, { $digits-nopool-params } in all against { $params }; on unseen digits it reaches { $digits-nopool-test-accuracy }% against { $test-accuracy }%.
    digits-gap goes further: global average pooling and no dense layer at all, { $digits-gap-params } weights and { $digits-gap-test-accuracy }%.

max-keeps-title = Max pooling keeps the strongest response
max-keeps =
    With max pooling each cell of pool1 is the largest of its window, so the strongest response survives exactly: the largest value before pooling is { $relu1-max }, after pooling { $pool1-max }. Hover a pooled cell to see its window.

avg-smooths-title = Average pooling keeps the mean
avg-smooths =
    This step switches to average pooling on the same weights (M switches back and forth). Each cell is now the mean of its window: the peak drops to { $pool1-max } (before pooling { $relu1-max }), while the mean over the map stays { $pool1-mean } (before: { $relu1-mean }). Averaging spreads a strong response over its window and smooths isolated spikes.
    These weights were trained with max pooling; the next step uses a network trained with average pooling.

avg-twin-title = A network trained with average pooling
avg-twin =
    digits-avg is the same network, same seed and schedule, trained with average pooling. On { $test-size } unseen digits: { $test-accuracy }% ± { $test-accuracy-margin } for average, { $digits-max-test-accuracy }% ± { $digits-max-test-accuracy-margin } for max (± is a 95% interval: where two intervals overlap, this test set cannot tell the networks apart). It reads this picture as { $prediction } ({ $confidence }%).

noise-title = Does average pooling smooth noise away?
noise =
    The same 7 with salt-and-pepper noise: a share of { $noise-level } of its pixels set to black or white (seed { $noise-seed }; the Noise control on the left makes the same picture, and so does convscope inspect --noise). digits-max reads it as { $prediction } ({ $confidence }%; without the noise { $clean-prediction }, { $clean-confidence }%). Each stage's similarity to its clean self: input { $noise-input-similarity }%, pool1 { $noise-pool1-similarity }%, pool2 { $noise-pool2-similarity }%, fc { $noise-fc-similarity }%.
    Its twin digits-avg, trained with average pooling, on the same noisy picture reads { $digits-avg-prediction } ({ $digits-avg-confidence }%; without the noise { $digits-avg-clean-prediction }, { $digits-avg-clean-confidence }%): pool1 { $digits-avg-noise-pool1-similarity }%, pool2 { $digits-avg-noise-pool2-similarity }%, fc { $digits-avg-noise-fc-similarity }%. Both get the same noisy input; from pool1 on, the averaging network stays closer to what it computed without the noise.
    One picture is one draw: change the seed or the digit, and count how often each twin keeps its answer (with some seeds both lose it). Over the held-out test digits, convscope robustness finds the average-trained twin ahead at every level tried, Gaussian and salt-and-pepper, in accuracy and in similarity from pool1 on (the noise table in docs/findings.md has the numbers): averaging smooths isolated noisy pixels that a maximum passes on.

images-speech-title = Max for images, average for speech?
images-speech =
    The claim is that max pooling suits image recognition and average pooling suits speech. On our image models, measured on held-out data with 95% intervals: digits { $test-accuracy }% ± { $test-accuracy-margin } (max) against { $digits-avg-test-accuracy }% ± { $digits-avg-test-accuracy-margin } (average); shapes { $shapes-max-test-accuracy }% ± { $shapes-max-test-accuracy-margin } (max) against { $shapes-avg-test-accuracy }% ± { $shapes-avg-test-accuracy-margin } (average). Where the intervals overlap, the data cannot tell max from average; where they do not, the data favour one.
    The speech half of the claim needs speech models; the speech table in docs/findings.md reports what we measured on recordings.

shift-title = Pooling tolerates small shifts; it is not invariance
shift =
    The translation lab moves the 3 sideways, one pixel at a time, and compares every stage with the unshifted one (cosine similarity, same positions). Over { $sweep-shifts } shifts with max pooling: the input keeps { $sweep-max-input-mean }% similarity, conv1 { $sweep-max-conv1-mean }%, pool1 { $sweep-max-pool1-mean }%, pool2 { $sweep-max-pool2-mean }%, and the answer changes for { $sweep-max-changed }% of the shifts. With average pooling: pool2 { $sweep-avg-pool2-mean }%, answer changed for { $sweep-avg-changed }%.
    Pooling makes later stages change less than the input does, but not zero: tolerance, not invariance.
    Where most of the tolerance comes from: digits-max-shift and digits-avg-shift are digits-max and digits-avg trained on digits moved at random by up to 2 pixels. On these same shifts of this 3 their answer changes for { $digits-max-shift-sweep-changed }% and { $digits-avg-shift-sweep-changed }% of the shifts, against { $sweep-max-changed }% for digits-max and { $digits-avg-sweep-changed }% for digits-avg. Their pooled maps move about as much as before (pool2 keeps { $digits-max-shift-sweep-pool2-mean }% and { $digits-avg-shift-sweep-pool2-mean }%, against { $sweep-max-pool2-mean }% and { $digits-avg-sweep-pool2-mean }%), but fc keeps { $digits-max-shift-sweep-fc-mean }% and { $digits-avg-shift-sweep-fc-mean }%, against { $sweep-max-fc-mean }% and { $digits-avg-sweep-fc-mean }%. Same pooling, other data: the dense layer learned to give a moved digit the same answer. (`convscope consistency` measures this over every test digit.)

flatten-title = Flatten, then every input meets every weight
flatten =
    flatten lines the { $pool2-shape } maps up into one vector of { $flatten-values } numbers. Each of fc's { $fc-values } outputs is a weighted sum of all of them plus a bias: { $fc-params } weights. Hover an output to see its largest contributions; softmax then turns the scores into probabilities.

fc-params-title = Fully-connected layers hold most of the weights
fc-params =
    In fc-overfit, the dense layer fc1 alone holds { $fc1-params } of the network's { $params } weights: { $fc1-params-share }%. The convolution conv1 holds { $conv1-params } ({ $conv1-params-share }%).

overfit-title = So they over-fit
overfit =
    fc-overfit was trained on only { $train-size } digits. It ends with { $train-accuracy }% on its training digits but { $test-accuracy }% on unseen ones: a gap of { $accuracy-gap } points. The learning curves show training accuracy reaching 100% while test accuracy stalls.

dropout-title = Dropout fights over-fitting
dropout =
    fc-dropout is the same network with dropout after fc1: while training, each unit is switched off with probability { $dropout-rate } (crossed out here), so no unit can rely on another. Trained the same way it reaches { $test-accuracy }% ± { $test-accuracy-margin } on unseen digits against { $fc-overfit-test-accuracy }% ± { $fc-overfit-test-accuracy-margin } without dropout; its gap between training and test is { $accuracy-gap } points against { $fc-overfit-accuracy-gap }. Compare the two learning curves and the intervals: that is how much dropout helped here, and whether this test set can even tell.
    Weight decay (L2 regularisation) is the other remedy: fc-l2 is fc-overfit trained with weight decay { $fc-l2-weight-decay } (chosen on a validation split of the training digits). It reaches { $fc-l2-test-accuracy }% ± { $fc-l2-test-accuracy-margin }, with a gap of { $fc-l2-accuracy-gap } points between training and test.
