#pragma once

#include <QtGlobal>
#include <optional>
#include <random>

namespace adminchat {

// Seeded PRNG with hand-written distributions. std::mt19937_64's output is fixed by the
// standard, but std::normal_distribution and friends are not, so they would give different
// figures with libstdc++, libc++ and MSVC; everything on top of the raw engine is done here.
class DemoRandom
{
public:
    explicit DemoRandom(quint64 seed);

    // Combines two values into one well-spread seed (SplitMix64 finaliser).
    static quint64 mix(quint64 a, quint64 b);

    quint64 next();
    double uniform();                // [0, 1) with 53 random bits
    quint64 below(quint64 bound);    // [0, bound); bound 0 gives 0
    int between(int low, int high);  // [low, high], inclusive
    bool chance(double probability); // true with the given probability
    double normal();                 // standard normal, Box-Muller
    double normal(double mean, double stddev);
    double logNormal(double median, double sigma);

private:
    std::mt19937_64 m_engine;
    std::optional<double> m_spareNormal; // Box-Muller makes two values per draw
};

} // namespace adminchat
