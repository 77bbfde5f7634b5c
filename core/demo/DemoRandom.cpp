#include "demo/DemoRandom.h"

#include <cmath>
#include <numbers>

namespace adminchat {

namespace {

quint64 splitMix64(quint64 x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

} // namespace

DemoRandom::DemoRandom(quint64 seed) : m_engine(seed) {}

quint64 DemoRandom::mix(quint64 a, quint64 b)
{
    return splitMix64(splitMix64(a) ^ (b + 0x632BE59BD9B4E019ULL));
}

quint64 DemoRandom::next()
{
    return m_engine();
}

double DemoRandom::uniform()
{
    return double(next() >> 11) * 0x1.0p-53;
}

quint64 DemoRandom::below(quint64 bound)
{
    // The modulo bias is below 2^-40 for the small bounds used here.
    return bound == 0 ? 0 : next() % bound;
}

int DemoRandom::between(int low, int high)
{
    if (high <= low)
        return low;
    return low + int(below(quint64(high - low) + 1));
}

bool DemoRandom::chance(double probability)
{
    return uniform() < probability;
}

double DemoRandom::normal()
{
    if (m_spareNormal) {
        const double value = *m_spareNormal;
        m_spareNormal.reset();
        return value;
    }
    const double u1 = 1.0 - uniform(); // (0, 1]: log(0) must not happen
    const double u2 = uniform();
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double angle = 2.0 * std::numbers::pi * u2;
    m_spareNormal = radius * std::sin(angle);
    return radius * std::cos(angle);
}

double DemoRandom::normal(double mean, double stddev)
{
    return mean + stddev * normal();
}

double DemoRandom::logNormal(double median, double sigma)
{
    return median * std::exp(sigma * normal());
}

} // namespace adminchat
