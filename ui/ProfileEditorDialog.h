#pragma once

#include "endpoints/EndpointProfile.h"

#include <QDialog>
#include <functional>
#include <optional>

class QLabel;
class QListWidget;
class QNetworkAccessManager;
class QPushButton;

namespace adminchat {

class KeyStore;
class ConnectionTestControls;
class ProfileForm;
class ProfileStore;

// Saved endpoint profiles: the list on the left, the selected one's form on the right, with
// Save and Test connection. Keys go to the OS keychain only, written before the profile that
// refers to them; a keychain failure leaves the profile unsaved. Non-modal and asynchronous.
class ProfileEditorDialog : public QDialog
{
    Q_OBJECT
public:
    ProfileEditorDialog(ProfileStore* store, KeyStore* keys, QNetworkAccessManager* network,
                        QWidget* parent = nullptr);

    void selectProfile(const QString& name);
    // The profile (if given) with its Watch tab in front.
    void showWatchSettings(const QString& name);

public slots:
    // Asks first when the form holds unsaved edits: Save, Discard or Cancel.
    void done(int result) override;

signals:
    void profilesChanged(); // a profile was saved, duplicated or deleted

private:
    // Runs `next` now, or once unsaved edits are saved or discarded; never after Cancel.
    void whenSettled(std::function<void()> next);
    void showCurrentInList(); // the list's highlight back on the profile in the form
    // Lists the saved profiles and shows `select` (else the first) in the form; load false
    // leaves the form as it is.
    void refreshList(const QString& select, bool load = true);
    void reloadFromDisk(); // profiles saved by another process (`adminchat profile add`)
    void loadProfile(const QString& name);
    void addProfile();
    void save();
    void storeProfile(EndpointProfile profile, std::optional<EndpointProfile> old,
                      bool removeOldKey);
    void duplicate();
    // Reads the key of `from` and writes it under `to`; done(false) when none was stored. A
    // keychain error is shown and ends the operation.
    void copyKey(const QString& from, const QString& to, std::function<void(bool copied)> done);
    void confirmDelete();
    void deleteProfile(const EndpointProfile& profile);
    void testConnection();
    void resetStatus(); // another profile in the form: no stale test or save result
    void setBusy(bool busy);
    void showFormError(const QString& error);
    void showKeyError(const QString& error);
    void finished(const QString& select, const QString& status);
    // Another saved profile already uses this name, exactly or but for case.
    bool nameTaken(const QString& name, const QString& except) const;
    QString copyName(const QString& name) const;

    ProfileStore* m_store;
    KeyStore* m_keys;
    QListWidget* m_list;
    QPushButton* m_addButton;
    QPushButton* m_duplicateButton;
    QPushButton* m_deleteButton;
    ProfileForm* m_form;
    QLabel* m_formError;
    QLabel* m_saveStatus;
    QPushButton* m_saveButton;
    ConnectionTestControls* m_test;
    std::function<void()> m_afterSave; // where to go once the unsaved edits are saved
    QString m_currentName;             // the saved profile in the form; empty for a new one
    bool m_busy = false;
};

} // namespace adminchat
