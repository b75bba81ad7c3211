import { describe, expect, it } from 'vitest';
import { defaultTrainConfig, validateTrainConfig } from '../../src-main/core/train';
import { storedTrainConfig } from '../../src-main/core/train/config';

describe('defaultTrainConfig', () => {
  it('trains the baseline without augmentation on two classes (and when the dataset is unknown)', () => {
    for (const c of [defaultTrainConfig(), defaultTrainConfig({ numClasses: 2 })]) {
      expect(c).toMatchObject({ model: 'baseline', augment: 'none', epochs: 15, patience: 3 });
      expect(() => validateTrainConfig(c)).not.toThrow();
    }
  });

  it('trains the pretrained model on three or more classes, and a chosen CNN there with shifts', () => {
    for (const numClasses of [3, 10, 100]) {
      const c = defaultTrainConfig({ numClasses });
      expect(c).toMatchObject({ model: 'pretrained', augment: 'none', classWeights: false });
      expect(() => validateTrainConfig(c)).not.toThrow();
      const cnn = defaultTrainConfig({ numClasses }, 'lenet-wide');
      expect(cnn).toMatchObject({ model: 'lenet-wide', augment: 'shift', epochs: 30, patience: 5 });
      expect(() => validateTrainConfig(cnn)).not.toThrow();
    }
  });

  it('calibrates by default, whatever the dataset', () => {
    expect(defaultTrainConfig().calibration).toBe('temperature');
    expect(defaultTrainConfig({ numClasses: 10 }).calibration).toBe('temperature');
  });
});

describe('storedTrainConfig', () => {
  it('reads the boolean augment of older runs as flip/none, and an older run as uncalibrated', () => {
    expect(storedTrainConfig({ model: 'cnn', augment: true })).toEqual({
      model: 'cnn',
      augment: 'flip',
      calibration: 'none',
    });
    expect(storedTrainConfig({ augment: false }).augment).toBe('none');
  });

  it('leaves a current configuration as it is', () => {
    const c = defaultTrainConfig({ numClasses: 10 });
    expect(storedTrainConfig({ ...c })).toEqual(c);
  });
});
