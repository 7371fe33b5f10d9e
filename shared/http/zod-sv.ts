import { z } from 'zod';
import { sv } from 'zod/v4/locales';

// Validation messages reach users: say them in Swedish.
z.config(sv());
