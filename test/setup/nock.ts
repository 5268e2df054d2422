/**
 * nock is loaded before any test module, so every HTTP client a test builds is
 * interceptable. Outside loopback nothing goes out: an unmocked external host fails
 * the test instead of hanging on a network that is not there.
 */
import nock from 'nock';

nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
